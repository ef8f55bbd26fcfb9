namespace OciRegistry.Integration.Tests.ScaleOut;

/// <summary>
/// What the kill loop's pushers attempted and what the registry answered, shared by the pushers of every cycle:
/// the record the storage is checked against once the killing stops. A logical clock orders manifest PUTs.
/// </summary>
internal sealed class PushLedger
{
    private readonly Lock gate = new();
    private readonly List<BlobAttempt> blobs = [];
    private readonly List<ManifestAttempt> manifests = [];
    private readonly Queue<BlobAttempt> interrupted = new();
    private readonly List<string> anomalies = [];
    private long clock;
    private long answers;

    public IReadOnlyList<BlobAttempt> Blobs
    {
        get
        {
            lock (gate)
            {
                return [.. blobs];
            }
        }
    }

    public IReadOnlyList<ManifestAttempt> Manifests
    {
        get
        {
            lock (gate)
            {
                return [.. manifests];
            }
        }
    }

    /// <summary>Answers the registry should never have given (the test fails with them).</summary>
    public IReadOnlyList<string> Anomalies
    {
        get
        {
            lock (gate)
            {
                return [.. anomalies];
            }
        }
    }

    /// <summary>How many uploads a pusher picked up again after a kill, and how many of those the registry had forgotten.</summary>
    public (int Resumed, int Forgotten) Resumptions { get; private set; }

    /// <summary>How many times an upload was cut off half-way (a kill landed between its POST and its 201).</summary>
    public int Interruptions { get; private set; }

    /// <summary>How many answers the pushers got that they expected, so far.</summary>
    public long Answers => Interlocked.Read(ref answers);

    public long Tick() => Interlocked.Increment(ref clock);

    public void Answered() => Interlocked.Increment(ref answers);

    public void Add(BlobAttempt attempt)
    {
        lock (gate)
        {
            blobs.Add(attempt);
        }
    }

    public ManifestAttempt AddManifest(string repository, string tag, SyntheticImage image)
    {
        lock (gate)
        {
            var attempt = new ManifestAttempt(repository, tag, image, Tick());
            manifests.Add(attempt);
            return attempt;
        }
    }

    public void Anomaly(string description)
    {
        lock (gate)
        {
            anomalies.Add(description);
        }
    }

    /// <summary>Puts an upload that was cut off half-way aside for a later pusher to continue.</summary>
    public void Interrupt(BlobAttempt attempt)
    {
        if (!attempt.Resumable)
        {
            return;
        }

        lock (gate)
        {
            interrupted.Enqueue(attempt);
            Interruptions++;
        }
    }

    /// <summary>An upload cut off earlier, for this pusher alone to continue; null when there is none.</summary>
    public BlobAttempt? TakeInterrupted()
    {
        lock (gate)
        {
            return interrupted.TryDequeue(out var attempt) ? attempt : null;
        }
    }

    /// <summary>How many uploads cut off in their PUT held nothing any more when picked up again.</summary>
    public int StartOvers { get; private set; }

    public void CountStartOver()
    {
        lock (gate)
        {
            StartOvers++;
        }
    }

    public void CountResumption(bool forgotten)
    {
        lock (gate)
        {
            Resumptions = (Resumptions.Resumed + 1, Resumptions.Forgotten + (forgotten ? 1 : 0));
        }
    }

    /// <summary>Committed blobs of a repository, for manifests to reference.</summary>
    public IReadOnlyList<BlobAttempt> CommittedBlobs(string repository)
    {
        lock (gate)
        {
            return [.. blobs.Where(blob => blob.Committed && blob.Repository == repository)];
        }
    }

    /// <summary>After a kill: every manifest PUT still unanswered ended then, one way or the other.</summary>
    public void EndCycle()
    {
        lock (gate)
        {
            var now = Tick();
            foreach (var manifest in manifests.Where(manifest => manifest.EndedAt == long.MaxValue))
            {
                manifest.EndedAt = now;
            }
        }
    }
}
