using System.Text;
using OciRegistry.Content;

namespace OciRegistry.Tests.Content;

public class DigestTests
{
    private const string EmptySha256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Test]
    public void Sha256_digest_of_empty_content_is_the_well_known_value() =>
        Assert.That(Digest.Compute([]).ToString(), Is.EqualTo(EmptySha256));

    [Test]
    public void Sha512_digests_are_accepted()
    {
        var digest = Digest.Compute(Encoding.UTF8.GetBytes("x"), DigestAlgorithm.Sha512);
        Assert.Multiple(() =>
        {
            Assert.That(digest.Algorithm, Is.EqualTo("sha512"));
            Assert.That(digest.Encoded, Has.Length.EqualTo(128));
            Assert.That(Digest.TryParse(digest.ToString(), out var parsed) && parsed == digest, Is.True);
        });
    }

    [TestCase("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", Description = "uppercase hex")]
    [TestCase("sha256:e3b0c442", Description = "too short")]
    [TestCase("md5:d41d8cd98f00b204e9800998ecf8427e", Description = "unregistered algorithm")]
    [TestCase("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Description = "no algorithm")]
    [TestCase("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85g", Description = "not hex")]
    [TestCase("", Description = "empty")]
    public void Malformed_digests_are_refused(string text)
    {
        Assert.Multiple(() =>
        {
            Assert.That(Digest.TryParse(text, out _), Is.False);
            Assert.Throws<FormatException>(() => Digest.Parse(text));
        });
    }

    [Test]
    public async Task Streaming_digest_equals_digest_of_the_whole_content()
    {
        var content = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(content);
        using var stream = new MemoryStream(content);
        Assert.That(await Digest.ComputeAsync(stream), Is.EqualTo(Digest.Compute(content)));
    }
}
