namespace OciRegistry.Storage;

/// <summary>
/// A path-addressed object store: the only thing a storage driver implements. It knows nothing of OCI;
/// the registry maps its concepts to paths (see <c>RegistryLayout</c> in OciRegistry.Server).
/// </summary>
/// <remarks>
/// Paths are relative, use <c>/</c> as separator, and contain only the characters
/// <c>[A-Za-z0-9._:@-]</c> in non-empty segments (never <c>.</c> or <c>..</c>). A driver throws
/// <see cref="InvalidStorePathException"/> for anything else. "Directories" are implied by paths, as in
/// object storage: a directory exists while any object lies under it. The registry never stores an object
/// at a path that is also a directory (<c>a</c> and <c>a/b</c>); a driver may refuse that with
/// <see cref="StoreConflictException"/>. Every method honours its cancellation token.
/// <para>
/// An <em>appendable object</em> (see <see cref="AppendAsync"/>) is not an object until
/// <see cref="CompleteAppendAsync"/>: it is invisible to <see cref="GetInfoAsync"/>, <see cref="OpenReadAsync"/> and
/// <see cref="ListAsync"/>, and <see cref="DeleteAsync"/> of a directory removes unfinished appends under it.
/// </para>
/// </remarks>
public interface IBlobStore
{
    /// <summary>Returns the size and version of the object at <paramref name="path"/>, or <c>null</c> when none exists.</summary>
    Task<BlobInfo?> GetInfoAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens the object for reading from <paramref name="offset"/>; at most <paramref name="length"/> bytes when given.
    /// An offset at or past the end gives an empty stream.
    /// </summary>
    /// <exception cref="StorePathNotFoundException">No object exists at <paramref name="path"/>.</exception>
    Task<Stream> OpenReadAsync(string path, long offset = 0, long? length = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a whole object from <paramref name="content"/>, replacing any existing one. The object becomes
    /// visible fully or not at all: a failed or cancelled write leaves the previous state. Once the write has
    /// returned, the object survives a crash of the machine.
    /// </summary>
    Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a whole object as <see cref="WriteAsync"/> does, visible fully or not at all, but one the registry can do
    /// without after a crash of the machine (an upload's start time, the running hash of an upload): a driver may
    /// return before it reaches the disk, and after a crash the object may be the previous one or missing. Drivers
    /// whose every write is durable keep this default, which calls <see cref="WriteAsync"/>.
    /// </summary>
    Task WriteTransientAsync(string path, Stream content, CancellationToken cancellationToken = default) =>
        WriteAsync(path, content, cancellationToken);

    /// <summary>
    /// Appends <paramref name="content"/> to the appendable object at <paramref name="path"/>, creating it when
    /// <paramref name="offset"/> is 0. Any process may continue an append another one started.
    /// </summary>
    /// <param name="path">Path of the appendable object.</param>
    /// <param name="offset">The length the caller believes the object has; the append is refused otherwise.</param>
    /// <param name="content">The bytes to append, read to their end.</param>
    /// <param name="cancellationToken">Cancels the append; the object then keeps a length between the old and the new one.</param>
    /// <returns>The new length of the appendable object.</returns>
    /// <exception cref="StoreConflictException">
    /// The object's length is not <paramref name="offset"/> (including a non-zero offset when no append was started), or
    /// another append to it is running: of two concurrent appends at one offset exactly one succeeds.
    /// </exception>
    Task<long> AppendAsync(string path, long offset, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Returns the current length of the appendable object at <paramref name="path"/>, or <c>null</c> when none was started.</summary>
    Task<long?> GetAppendedLengthAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Seals the appendable object at <paramref name="path"/> into an ordinary object at the same path, readable with
    /// <see cref="OpenReadAsync"/> (replacing any object there). Afterwards <see cref="GetAppendedLengthAsync"/> returns <c>null</c>.
    /// </summary>
    /// <exception cref="StorePathNotFoundException">No append was started at <paramref name="path"/>.</exception>
    Task CompleteAppendAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the direct children of the directory <paramref name="directoryPath"/> (objects and sub-directories),
    /// in no particular order. A directory that does not exist has no children.
    /// </summary>
    IAsyncEnumerable<StoreEntry> ListAsync(string directoryPath, CancellationToken cancellationToken = default);

    /// <summary>Deletes the object at <paramref name="path"/>, or everything under it when it is a directory, including unfinished appends.</summary>
    /// <returns><c>true</c> when anything was deleted.</returns>
    Task<bool> DeleteAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the object at <paramref name="sourcePath"/> to <paramref name="destinationPath"/>, replacing any object there.
    /// Readers of the destination see the old or the new object, never a partial one. Moving an object onto itself keeps it.
    /// </summary>
    /// <exception cref="StorePathNotFoundException">No object exists at <paramref name="sourcePath"/>.</exception>
    Task MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns a time-limited URL from which a plain HTTP client can download the object directly, or <c>null</c>
    /// when the driver does not offer one (the registry then streams the bytes itself).
    /// </summary>
    Task<Uri?> GetDownloadUriAsync(string path, TimeSpan lifetime, CancellationToken cancellationToken = default);
}
