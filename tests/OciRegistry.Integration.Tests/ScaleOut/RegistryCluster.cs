using OciRegistry.Integration.Tests.Processes;

namespace OciRegistry.Integration.Tests.ScaleOut;

/// <summary>
/// Several sample-host processes on one storage behind a <see cref="RoundRobinProxy"/>: what <c>cf scale -i N</c>
/// makes. An instance can be killed (SIGKILL, by its process id) and started again on the same storage, on a new
/// port the proxy then sends its share of the requests to. The cluster owns its processes and its proxy.
/// </summary>
internal sealed class RegistryCluster : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task<RegistryProcess>> startInstance;
    private readonly RegistryProcess[] instances;
    // Killed instances and spares not yet in service, all to be disposed with the cluster.
    private readonly List<RegistryProcess> others = [];
    private readonly Lock gate = new();

    private RegistryCluster(Func<CancellationToken, Task<RegistryProcess>> startInstance, RegistryProcess[] instances, RoundRobinProxy proxy)
    {
        this.startInstance = startInstance;
        this.instances = instances;
        Proxy = proxy;
    }

    /// <summary>The one address clients use.</summary>
    public RoundRobinProxy Proxy { get; }

    /// <summary>The running instances, by the index the proxy knows them by.</summary>
    public IReadOnlyList<RegistryProcess> Instances => instances;

    /// <summary>Starts <paramref name="count"/> instances at once with <paramref name="startInstance"/>, then the proxy in front.</summary>
    public static async Task<RegistryCluster> StartAsync(
        int count, Func<CancellationToken, Task<RegistryProcess>> startInstance, CancellationToken cancellationToken)
    {
        var starting = Enumerable.Range(0, count).Select(_ => startInstance(cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var started in starting.Where(task => task.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            throw;
        }

        var instances = starting.Select(task => task.Result).ToArray();
        var proxy = await RoundRobinProxy.StartAsync(instances.Select(instance => instance.BaseAddress), cancellationToken);
        return new RegistryCluster(startInstance, instances, proxy);
    }

    /// <summary>Kills the instance with SIGKILL: whatever it was doing stops mid-way. The proxy keeps sending to it (502).</summary>
    public async Task KillAsync(int index)
    {
        // RegistryProcess.StopAsync is Process.Kill: SIGKILL to the process (and its children) by id.
        await instances[index].StopAsync();
    }

    /// <summary>Starts a killed (or running, which is killed first) instance again on the same storage.</summary>
    public async Task RestartAsync(int index, CancellationToken cancellationToken)
    {
        await KillAsync(index);
        await ReplaceAsync(index, await StartSpareAsync(cancellationToken));
    }

    /// <summary>
    /// Starts one more process on the same storage that gets no requests yet: the next incarnation of an instance,
    /// started ahead so that a restart costs no start-up time.
    /// </summary>
    public async Task<RegistryProcess> StartSpareAsync(CancellationToken cancellationToken)
    {
        var spare = await startInstance(cancellationToken);
        lock (gate)
        {
            others.Add(spare);
        }

        return spare;
    }

    /// <summary>Kills the instance (if it still runs) and puts a spare in its place.</summary>
    public async Task ReplaceAsync(int index, RegistryProcess spare)
    {
        await KillAsync(index);
        lock (gate)
        {
            others.Add(instances[index]);
            others.Remove(spare);
            instances[index] = spare;
        }

        Proxy.ReplaceBackend(index, spare.BaseAddress);
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        foreach (var instance in others.Concat(instances))
        {
            await instance.DisposeAsync();
        }
    }
}
