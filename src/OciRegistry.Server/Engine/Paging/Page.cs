namespace OciRegistry.Engine;

/// <summary>One page of a lexically sorted listing, and whether more follow.</summary>
internal sealed record Page(IReadOnlyList<string> Items, bool HasMore)
{
    /// <summary>Sorts <paramref name="all"/> ordinally and cuts the page after <paramref name="last"/>.</summary>
    public static Page From(List<string> all, int? limit, string? last)
    {
        all.Sort(StringComparer.Ordinal);
        var start = 0;
        if (!string.IsNullOrEmpty(last))
        {
            start = all.BinarySearch(last, StringComparer.Ordinal);
            start = start >= 0 ? start + 1 : ~start;
        }

        var count = Math.Min(limit ?? int.MaxValue, all.Count - start);
        return new Page(all.GetRange(start, count), start + count < all.Count);
    }
}
