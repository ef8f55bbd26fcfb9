// Each test starts its own registry on its own folder (a collection sweeps the whole storage), so fixtures run side by side.
[assembly: Parallelizable(ParallelScope.Fixtures)]
