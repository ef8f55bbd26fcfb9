using OciRegistry.Api;

namespace OciRegistry.Tests.Api;

public class HttpRangesTests
{
    [TestCase("bytes=0-9", 100, 0, 10)]
    [TestCase("bytes=90-", 100, 90, 10)]
    [TestCase("bytes=90-200", 100, 90, 10)]
    [TestCase("bytes=-5", 100, 95, 5)]
    [TestCase("bytes=-500", 100, 0, 100)]
    public void Satisfiable_ranges_are_clamped_to_the_blob(string header, long length, long start, long count)
    {
        var range = HttpRanges.ParseRange(header, length);
        Assert.That(range, Is.EqualTo(new ByteRange(start, count, true)));
    }

    [TestCase("bytes=100-", 100)]
    [TestCase("bytes=-0", 100)]
    [TestCase("bytes=0-", 0)]
    public void Ranges_outside_the_blob_are_unsatisfiable(string header, long length) =>
        Assert.That(HttpRanges.ParseRange(header, length)!.Satisfiable, Is.False);

    [TestCase(null)]
    [TestCase("items=0-1")]
    [TestCase("bytes=0-1,5-6")]
    [TestCase("bytes=5-1")]
    [TestCase("bytes=abc")]
    public void Absent_or_unsupported_ranges_serve_the_whole_blob(string? header) =>
        Assert.That(HttpRanges.ParseRange(header, 100), Is.Null);

    [TestCase("0-99", 0, 99)]
    [TestCase("bytes 100-199/*", 100, 199)]
    [TestCase("bytes=5-5", 5, 5)]
    public void Upload_content_ranges_are_parsed(string header, long start, long end)
    {
        Assert.That(HttpRanges.TryParseContentRange(header, out var s, out var e), Is.True);
        Assert.That((s, e), Is.EqualTo((start, end)));
    }

    [TestCase("")]
    [TestCase("9-1")]
    [TestCase("-5")]
    [TestCase("a-b")]
    public void Malformed_content_ranges_are_refused(string header) =>
        Assert.That(HttpRanges.TryParseContentRange(header, out _, out _), Is.False);
}
