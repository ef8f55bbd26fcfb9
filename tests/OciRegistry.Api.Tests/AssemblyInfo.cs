// Each fixture owns its registry host and its repositories, so fixtures run side by side; tests in one fixture run in order.
[assembly: Parallelizable(ParallelScope.Fixtures)]
