using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using OciRegistry.Content;
using OciRegistry.Engine;
using OciRegistry.Storage;

namespace OciRegistry.GarbageCollection;

/// <summary>
/// One mark and sweep. Marking lists every repository once (links, revisions, tags) and reads each manifest once.
/// Sweeping then deletes, in this order: untagged manifest revisions (when asked), repository links to unmarked
/// blobs, and unmarked blob data, which goes to a quarantine first. After the settle delay every repository is
/// listed again: whatever a concurrent push linked or referenced meanwhile is put back, and only the rest of the
/// quarantine is deleted for good. Nothing written after the mark began less the grace period is swept at all.
/// </summary>
internal sealed partial class GarbageCollectionRun
{
    private readonly IBlobStore store;
    private readonly LinkFiles links;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly GarbageCollectionOptions settings;
    private readonly GarbageCollectionRequest request;
    private readonly bool deleteUntagged;
    private readonly int parallelism;
    private readonly DateTimeOffset fence;
    private readonly ManifestCache manifests;

    private readonly Lock gate = new();
    private readonly List<GarbageCollectionDeletion> deletions = [];
    private readonly List<GarbageCollectionDeletion> restored = [];
    private readonly HashSet<Digest> marked = [];
    private readonly ConcurrentDictionary<Digest, byte> recentlyLinked = new();
    private readonly ConcurrentDictionary<(RepositoryName Repository, Digest Digest), GarbageCollectionDeletion> sweptRevisions = new();
    private readonly ConcurrentDictionary<(RepositoryName Repository, Digest Digest), GarbageCollectionDeletion> sweptLayerLinks = new();
    private readonly ConcurrentDictionary<Digest, long> quarantined = new();
    private Dictionary<RepositoryName, RepositoryInventory> inventories = [];

    public GarbageCollectionRun(IBlobStore store, LinkFiles links, TimeProvider time, ILogger logger, GarbageCollectionOptions settings,
        GarbageCollectionRequest request, DateTimeOffset markStartedAt, int parallelism)
    {
        this.store = store;
        this.links = links;
        this.time = time;
        this.logger = logger;
        this.settings = settings;
        this.request = request;
        this.parallelism = parallelism;
        deleteUntagged = request.DeleteUntagged ?? settings.DeleteUntagged;
        MarkStartedAt = markStartedAt;
        fence = markStartedAt - settings.GracePeriod;
        manifests = new ManifestCache(store, parallelism, (digest, reason) => LogUnreadableManifest(logger, digest, reason));
    }

    public DateTimeOffset MarkStartedAt { get; }

    private bool DryRun => request.DryRun;

    public async Task<GarbageCollectionResult> RunAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        if (!DryRun)
        {
            await RecoverQuarantineAsync(cancellationToken).ConfigureAwait(false);
        }

        var (untagged, unmarkedLinks) = await MarkAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SweepRevisionsAsync(untagged, cancellationToken).ConfigureAwait(false);
            await SweepLayerLinksAsync(unmarkedLinks, cancellationToken).ConfigureAwait(false);
            await SweepBlobsAsync(cancellationToken).ConfigureAwait(false);
            if (!DryRun && (!quarantined.IsEmpty || !sweptRevisions.IsEmpty || !sweptLayerLinks.IsEmpty))
            {
                await Task.Delay(settings.SettleDelay, time, cancellationToken).ConfigureAwait(false);
                await RestoreWhatWasReferencedMeanwhileAsync(cancellationToken).ConfigureAwait(false);
                await DeleteQuarantinedAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch when (!quarantined.IsEmpty)
        {
            // Without the final check nothing in quarantine may be deleted: put it all back (or the next run will).
            await RestoreAllQuarantinedAsync().ConfigureAwait(false);
            throw;
        }

        lock (gate)
        {
            return new GarbageCollectionResult(DryRun, null, MarkStartedAt, time.GetElapsedTime(started), inventories.Count, marked.Count,
                [.. deletions], [.. restored]);
        }
    }

    private async Task<(List<(RepositoryName, Digest)> Untagged, List<(RepositoryName, Digest)> UnmarkedLinks)> MarkAsync(CancellationToken cancellationToken)
    {
        var folders = await new RepositoryWalker(store, parallelism).FindAsync(cancellationToken).ConfigureAwait(false);
        var loaded = new ConcurrentBag<RepositoryInventory>();
        await Parallel.ForEachAsync(folders, Concurrently(cancellationToken), async (folder, token) =>
        {
            loaded.Add(await RepositoryInventory.LoadAsync(store, links, folder, readTags: true, parallelism, token).ConfigureAwait(false));
            if (folder.HasUploads)
            {
                await PurgeUploadsAsync(folder.Name, token).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        inventories = loaded.ToDictionary(inventory => inventory.Name);
        await manifests.LoadAsync(loaded.SelectMany(inventory => inventory.Revisions.Concat(inventory.TaggedManifests.Values)), cancellationToken)
            .ConfigureAwait(false);

        // Tags are roots; so is every manifest unless untagged ones go. A child of a kept index and a referrer of a kept
        // manifest are reached from it, so they are never "untagged".
        var graphs = new Dictionary<RepositoryName, ManifestGraph>();
        var kept = new Dictionary<RepositoryName, HashSet<Digest>>();
        var untagged = new List<(RepositoryName Repository, Digest Digest)>();
        foreach (var inventory in inventories.Values)
        {
            var graph = graphs[inventory.Name] = new ManifestGraph(inventory.Revisions, manifests.Manifests);
            var roots = deleteUntagged ? inventory.TaggedManifests.Values : inventory.TaggedManifests.Values.Concat(inventory.Revisions);
            kept[inventory.Name] = graph.Reach(roots);
            untagged.AddRange(inventory.Revisions.Where(digest => !kept[inventory.Name].Contains(digest)).Select(digest => (inventory.Name, digest)));
        }

        // An untagged manifest pushed (or pushed again) within the grace period is kept, with all it reaches.
        var (recentUntagged, staleUntagged) = await PartitionByAgeAsync(untagged,
            item => RegistryLayout.ManifestRevisionLink(item.Repository, item.Digest), cancellationToken).ConfigureAwait(false);
        foreach (var group in recentUntagged.GroupBy(item => item.Repository))
        {
            kept[group.Key].UnionWith(graphs[group.Key].Reach(group.Select(item => item.Digest)));
        }

        staleUntagged.RemoveAll(item => kept[item.Repository].Contains(item.Digest));
        foreach (var (repository, manifestsKept) in kept)
        {
            marked.UnionWith(graphs[repository].WithBlobs(manifestsKept));
        }

        // A link to a blob nothing marked goes, unless it was written within the grace period: then the blob stays too.
        var unmarkedLinks = inventories.Values
            .SelectMany(inventory => inventory.LayerLinks.Where(digest => !marked.Contains(digest)).Select(digest => (inventory.Name, digest)))
            .ToList();
        var (recentLinks, staleLinks) = await PartitionByAgeAsync(unmarkedLinks,
            item => RegistryLayout.LayerLink(item.Item1, item.Item2), cancellationToken).ConfigureAwait(false);
        foreach (var (_, digest) in recentLinks)
        {
            recentlyLinked.TryAdd(digest, 0);
        }

        return (staleUntagged, staleLinks);
    }

    private async Task SweepRevisionsAsync(List<(RepositoryName Repository, Digest Digest)> untagged, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(untagged, Concurrently(cancellationToken), async (item, token) =>
        {
            var (repository, digest) = item;
            if (!DryRun)
            {
                await store.DeleteAsync(RegistryLayout.ManifestRevision(repository, digest), token).ConfigureAwait(false);
                if (References(digest).Subject is { } subject)
                {
                    await store.DeleteAsync(RegistryLayout.ReferrerDirectory(repository, subject, digest), token).ConfigureAwait(false);
                }
            }

            sweptRevisions[item] = Report(new GarbageCollectionDeletion(GarbageCollectionItemKind.Manifest, repository.Value, digest.ToString(), 0));
        }).ConfigureAwait(false);

        if (!DryRun)
        {
            await ForgetSweptRevisionsInTagHistoryAsync(untagged, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes swept manifests from the tags' history (<c>tags/&lt;tag&gt;/index</c>), as distribution does.</summary>
    private async Task ForgetSweptRevisionsInTagHistoryAsync(List<(RepositoryName Repository, Digest Digest)> untagged, CancellationToken cancellationToken)
    {
        var tagsToClean = untagged.GroupBy(item => item.Repository)
            .SelectMany(group => inventories[group.Key].Tags.Select(tag => (Repository: group.Key, Tag: tag, Swept: group.Select(item => item.Digest).ToHashSet())));
        await Parallel.ForEachAsync(tagsToClean, Concurrently(cancellationToken), async (item, token) =>
        {
            foreach (var digest in await DigestListing.ListAsync(store, RegistryLayout.TagIndex(item.Repository, item.Tag), token).ConfigureAwait(false))
            {
                if (item.Swept.Contains(digest))
                {
                    await store.DeleteAsync(RegistryLayout.TagIndexLink(item.Repository, item.Tag, digest), token).ConfigureAwait(false);
                }
            }
        }).ConfigureAwait(false);
    }

    private async Task SweepLayerLinksAsync(List<(RepositoryName Repository, Digest Digest)> unmarkedLinks, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(unmarkedLinks, Concurrently(cancellationToken), async (item, token) =>
        {
            if (!DryRun)
            {
                await store.DeleteAsync(RegistryLayout.LayerDirectory(item.Repository, item.Digest), token).ConfigureAwait(false);
            }

            sweptLayerLinks[item] = Report(new GarbageCollectionDeletion(GarbageCollectionItemKind.LayerLink, item.Repository.Value, item.Digest.ToString(), 0));
        }).ConfigureAwait(false);
    }

    /// <summary>Walks <c>blobs/</c> once; unmarked data older than the fence goes to quarantine (or, in a dry run, is reported).</summary>
    private async Task SweepBlobsAsync(CancellationToken cancellationToken)
    {
        var candidates = (await ListBlobsAsync(cancellationToken).ConfigureAwait(false))
            .Where(digest => !marked.Contains(digest) && !recentlyLinked.ContainsKey(digest))
            .ToList();
        await Parallel.ForEachAsync(candidates, Concurrently(cancellationToken), async (digest, token) =>
        {
            var info = await store.GetInfoAsync(RegistryLayout.BlobData(digest), token).ConfigureAwait(false);
            if (info is null || info.LastModified > fence)
            {
                return;
            }

            if (DryRun)
            {
                Report(new GarbageCollectionDeletion(GarbageCollectionItemKind.Blob, null, digest.ToString(), info.Length));
                return;
            }

            try
            {
                await store.MoveAsync(RegistryLayout.BlobData(digest), RegistryLayout.QuarantinedBlobData(digest), token).ConfigureAwait(false);
                quarantined[digest] = info.Length;
            }
            catch (StorePathNotFoundException)
            {
                // Deleted meanwhile by someone else (another collector).
            }
        }).ConfigureAwait(false);
    }

    private async Task<List<Digest>> ListBlobsAsync(CancellationToken cancellationToken)
    {
        var prefixes = new List<(string Algorithm, StoreEntry Prefix)>();
        await foreach (var algorithm in store.ListAsync(RegistryLayout.BlobsRoot, cancellationToken).ConfigureAwait(false))
        {
            await foreach (var prefix in store.ListAsync(algorithm.Path, cancellationToken).ConfigureAwait(false))
            {
                prefixes.Add((algorithm.Name, prefix));
            }
        }

        var blobs = new ConcurrentBag<Digest>();
        await Parallel.ForEachAsync(prefixes, Concurrently(cancellationToken), async (item, token) =>
        {
            await foreach (var entry in store.ListAsync(item.Prefix.Path, token).ConfigureAwait(false))
            {
                // Only data at its own address is the blob the layout names; anything else is not ours to judge.
                if (Digest.TryParse(item.Algorithm + ":" + entry.Name, out var digest) && digest.Encoded.StartsWith(item.Prefix.Name, StringComparison.Ordinal))
                {
                    blobs.Add(digest);
                }
            }
        }).ConfigureAwait(false);
        return [.. blobs];
    }

    /// <summary>
    /// The final check, after the settle delay: lists every repository again. A manifest that appeared meanwhile, or a
    /// tag now naming a swept manifest, is a late root: everything it reaches that this run swept is put back. So is any
    /// quarantined blob that some repository links now. Data goes back before the links to it.
    /// </summary>
    private async Task RestoreWhatWasReferencedMeanwhileAsync(CancellationToken cancellationToken)
    {
        var folders = await new RepositoryWalker(store, parallelism).FindAsync(cancellationToken).ConfigureAwait(false);
        var reposWithSweptRevisions = sweptRevisions.Keys.Select(key => key.Repository).ToHashSet();
        var now = new ConcurrentBag<RepositoryInventory>();
        await Parallel.ForEachAsync(folders, Concurrently(cancellationToken), async (folder, token) =>
            now.Add(await RepositoryInventory.LoadAsync(store, links, folder, reposWithSweptRevisions.Contains(folder.Name), parallelism, token)
                .ConfigureAwait(false))).ConfigureAwait(false);

        var lateRoots = now.ToDictionary(inventory => inventory.Name, inventory => inventory.Revisions
            .Where(digest => !WasKnown(inventory.Name, digest))
            .Concat(inventory.TaggedManifests.Values.Where(digest => sweptRevisions.ContainsKey((inventory.Name, digest))))
            .ToHashSet());
        await manifests.LoadAsync(lateRoots.Values.SelectMany(roots => roots), cancellationToken).ConfigureAwait(false);

        var data = new HashSet<Digest>(now.SelectMany(inventory => inventory.LayerLinks.Concat(inventory.Revisions)).Where(quarantined.ContainsKey));
        var revisions = new List<(RepositoryName Repository, Digest Digest)>();
        var layerLinks = new List<(RepositoryName Repository, Digest Digest)>();
        foreach (var inventory in now.Where(inventory => lateRoots[inventory.Name].Count > 0))
        {
            var name = inventory.Name;
            var graph = new ManifestGraph(inventory.Revisions.Concat(sweptRevisions.Keys.Where(key => key.Repository == name).Select(key => key.Digest)),
                manifests.Manifests);
            var reached = graph.Reach(lateRoots[name]);
            revisions.AddRange(reached.Where(digest => sweptRevisions.ContainsKey((name, digest))).Select(digest => (name, digest)));
            foreach (var digest in graph.WithBlobs(reached))
            {
                if (quarantined.ContainsKey(digest))
                {
                    data.Add(digest);
                }

                if (sweptLayerLinks.ContainsKey((name, digest)))
                {
                    layerLinks.Add((name, digest));
                }
            }
        }

        await Parallel.ForEachAsync(data, Concurrently(cancellationToken), async (digest, token) => await RestoreDataAsync(digest, token).ConfigureAwait(false))
            .ConfigureAwait(false);
        await Parallel.ForEachAsync(layerLinks.Distinct(), Concurrently(cancellationToken), async (item, token) =>
        {
            await links.WriteAsync(RegistryLayout.LayerLink(item.Repository, item.Digest), item.Digest, token).ConfigureAwait(false);
            Restore(sweptLayerLinks[item]);
        }).ConfigureAwait(false);
        await Parallel.ForEachAsync(revisions, Concurrently(cancellationToken), async (item, token) =>
        {
            await links.WriteAsync(RegistryLayout.ManifestRevisionLink(item.Repository, item.Digest), item.Digest, token).ConfigureAwait(false);
            if (References(item.Digest).Subject is { } subject)
            {
                await links.WriteAsync(RegistryLayout.ReferrerLink(item.Repository, subject, item.Digest), item.Digest, token).ConfigureAwait(false);
            }

            Restore(sweptRevisions[item]);
        }).ConfigureAwait(false);
    }

    private bool WasKnown(RepositoryName repository, Digest revision) =>
        inventories.TryGetValue(repository, out var before) && before.Revisions.Contains(revision) && !sweptRevisions.ContainsKey((repository, revision));

    private async Task DeleteQuarantinedAsync(CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(quarantined.Keys, Concurrently(cancellationToken), async (digest, token) =>
        {
            await store.DeleteAsync(RegistryLayout.QuarantinedBlobData(digest), token).ConfigureAwait(false);
            if (quarantined.TryRemove(digest, out var size))
            {
                Report(new GarbageCollectionDeletion(GarbageCollectionItemKind.Blob, null, digest.ToString(), size));
            }
        }).ConfigureAwait(false);
    }

    private async Task RestoreDataAsync(Digest digest, CancellationToken cancellationToken)
    {
        await PutBackAsync(digest, cancellationToken).ConfigureAwait(false);
        if (quarantined.TryRemove(digest, out var size))
        {
            Restore(new GarbageCollectionDeletion(GarbageCollectionItemKind.Blob, null, digest.ToString(), size));
        }
    }

    /// <summary>Moves quarantined data back to its address, unless a new upload of the same content is there already.</summary>
    private async Task PutBackAsync(Digest digest, CancellationToken cancellationToken)
    {
        try
        {
            if (await store.GetInfoAsync(RegistryLayout.BlobData(digest), cancellationToken).ConfigureAwait(false) is not null)
            {
                await store.DeleteAsync(RegistryLayout.QuarantinedBlobData(digest), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await store.MoveAsync(RegistryLayout.QuarantinedBlobData(digest), RegistryLayout.BlobData(digest), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (StorePathNotFoundException)
        {
            // Put back already, by another collector's recovery.
        }
    }

    private async Task RestoreAllQuarantinedAsync()
    {
        foreach (var digest in quarantined.Keys)
        {
            try
            {
                await PutBackAsync(digest, CancellationToken.None).ConfigureAwait(false);
                quarantined.TryRemove(digest, out _);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogQuarantineLeftBehind(logger, e, digest);
            }
        }
    }

    /// <summary>Puts back what an interrupted run left in quarantine; this run then judges it afresh.</summary>
    private async Task RecoverQuarantineAsync(CancellationToken cancellationToken)
    {
        var left = await DigestListing.ListAsync(store, RegistryLayout.GarbageCollectionQuarantineRoot, cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(left, Concurrently(cancellationToken), async (digest, token) =>
        {
            await PutBackAsync(digest, token).ConfigureAwait(false);
            LogRecovered(logger, digest);
        }).ConfigureAwait(false);
    }

    private async Task PurgeUploadsAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - settings.UploadPurgeAge;
        await foreach (var upload in store.ListAsync(RegistryLayout.Uploads(repository), cancellationToken).ConfigureAwait(false))
        {
            if (!upload.IsDirectory || await ReadStartedAtAsync(repository, upload.Name, cancellationToken).ConfigureAwait(false) is not { } startedAt ||
                startedAt > cutoff)
            {
                continue;
            }

            var data = RegistryLayout.UploadData(repository, upload.Name);
            var size = await store.GetAppendedLengthAsync(data, cancellationToken).ConfigureAwait(false)
                ?? (await store.GetInfoAsync(data, cancellationToken).ConfigureAwait(false))?.Length
                ?? 0;
            if (!DryRun)
            {
                await store.DeleteAsync(RegistryLayout.Upload(repository, upload.Name), cancellationToken).ConfigureAwait(false);
            }

            Report(new GarbageCollectionDeletion(GarbageCollectionItemKind.Upload, repository.Value, upload.Name, size));
        }
    }

    /// <summary>When an upload started: the time in its <c>startedat</c> (ours and the Go registry's), else the file's own time.</summary>
    private async Task<DateTimeOffset?> ReadStartedAtAsync(RepositoryName repository, string uploadId, CancellationToken cancellationToken)
    {
        var path = RegistryLayout.UploadStartedAt(repository, uploadId);
        try
        {
            await using var stream = await store.OpenReadAsync(path, 0, 256, cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            if (DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var startedAt))
            {
                return startedAt;
            }
        }
        catch (StorePathNotFoundException)
        {
            // Not an upload (or one being cancelled right now).
            return null;
        }

        return (await store.GetInfoAsync(path, cancellationToken).ConfigureAwait(false))?.LastModified;
    }

    /// <summary>Splits <paramref name="items"/> by the age of the object each names: written after the fence, or not (or gone).</summary>
    private async Task<(List<T> Recent, List<T> Stale)> PartitionByAgeAsync<T>(List<T> items, Func<T, string> path, CancellationToken cancellationToken)
    {
        var recent = new ConcurrentBag<T>();
        var stale = new ConcurrentBag<T>();
        await Parallel.ForEachAsync(items, Concurrently(cancellationToken), async (item, token) =>
        {
            var info = await store.GetInfoAsync(path(item), token).ConfigureAwait(false);
            if (info is null)
            {
                return;
            }

            (info.LastModified > fence ? recent : stale).Add(item);
        }).ConfigureAwait(false);
        return ([.. recent], [.. stale]);
    }

    private ManifestReferences References(Digest manifest) =>
        manifests.Manifests.TryGetValue(manifest, out var references) ? references : ManifestReferences.None;

    private GarbageCollectionDeletion Report(GarbageCollectionDeletion deletion)
    {
        lock (gate)
        {
            deletions.Add(deletion);
            request.Progress?.Report(deletion);
        }

        LogDeleted(logger, DryRun ? "Would delete" : "Deleted", deletion);
        return deletion;
    }

    private void Restore(GarbageCollectionDeletion deletion)
    {
        lock (gate)
        {
            deletions.Remove(deletion);
            restored.Add(deletion);
        }

        LogRestored(logger, deletion);
    }

    private ParallelOptions Concurrently(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken };

    [LoggerMessage(EventId = 110, Level = LogLevel.Debug, Message = "{Action} {Deletion}")]
    private static partial void LogDeleted(ILogger logger, string action, GarbageCollectionDeletion deletion);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Put back {Deletion}: a push running beside the collection referenced it")]
    private static partial void LogRestored(ILogger logger, GarbageCollectionDeletion deletion);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Manifest {Digest} keeps nothing: {Reason}")]
    private static partial void LogUnreadableManifest(ILogger logger, Digest digest, string reason);

    [LoggerMessage(EventId = 113, Level = LogLevel.Information, Message = "Put back blob {Digest}, left in quarantine by an interrupted collection")]
    private static partial void LogRecovered(ILogger logger, Digest digest);

    [LoggerMessage(EventId = 114, Level = LogLevel.Error, Message = "Could not put back quarantined blob {Digest}; the next collection will")]
    private static partial void LogQuarantineLeftBehind(ILogger logger, Exception exception, Digest digest);
}
