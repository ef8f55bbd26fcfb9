namespace OciRegistry.Storage;

/// <summary>The path rules of <see cref="IBlobStore"/>, shared by every driver.</summary>
public static class StorePath
{
    /// <summary>Throws <see cref="InvalidStorePathException"/> unless <paramref name="path"/> follows the rules.</summary>
    /// <param name="path">The path to check.</param>
    /// <param name="allowRoot">Accept the empty path (the root directory), as listing and deleting do.</param>
    public static void Validate(string path, bool allowRoot = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            if (allowRoot)
            {
                return;
            }

            throw new InvalidStorePathException("The path is empty.");
        }

        var segmentStart = 0;
        for (var i = 0; i <= path.Length; i++)
        {
            if (i == path.Length || path[i] == '/')
            {
                var length = i - segmentStart;
                if (length == 0 ||
                    (length == 1 && path[segmentStart] == '.') ||
                    (length == 2 && path[segmentStart] == '.' && path[segmentStart + 1] == '.'))
                {
                    throw new InvalidStorePathException($"Invalid path '{path}': empty, '.' or '..' segment.");
                }

                segmentStart = i + 1;
                continue;
            }

            if (!IsAllowed(path[i]))
            {
                throw new InvalidStorePathException($"Invalid path '{path}': character '{path[i]}' is not allowed.");
            }
        }
    }

    private static bool IsAllowed(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':' or '@';
}
