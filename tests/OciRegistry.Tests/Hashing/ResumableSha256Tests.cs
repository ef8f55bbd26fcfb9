using System.Security.Cryptography;
using OciRegistry.Content;
using OciRegistry.Hashing;

namespace OciRegistry.Tests.Hashing;

public class ResumableSha256Tests
{
    [SetUp]
    public void RequireLibCrypto() =>
        Assume.That(ResumableSha256.IsSupported, Is.True, "libcrypto.so.3 is not available on this machine");

    [Test]
    public void A_hash_saved_and_restored_at_any_offset_gives_the_digest_of_the_whole_content()
    {
        var content = new byte[1_000_003];
        new Random(11).NextBytes(content);
        var expected = Digest.FromHash(DigestAlgorithm.Sha256, SHA256.HashData(content));
        foreach (var split in new[] { 0, 1, 63, 64, 65, 4096, 500_000, 999_999 })
        {
            var first = ResumableSha256.TryCreate()!;
            first.Append(content.AsSpan(0, split));
            var resumed = ResumableSha256.TryRestore(first.SaveState())!;
            resumed.Append(content.AsSpan(split));
            Assert.Multiple(() =>
            {
                Assert.That(resumed.Length, Is.EqualTo(content.Length));
                Assert.That(resumed.GetDigest(), Is.EqualTo(expected), $"split at {split}");
            });
        }
    }

    [Test]
    public void The_saved_state_has_the_Go_registry_format()
    {
        var hash = ResumableSha256.TryCreate()!;
        hash.Append("abc"u8);
        var state = hash.SaveState();

        // Fewer than 64 bytes hashed: no block processed, so h is still the SHA-256 initial value.
        var expected = new List<byte>("sha\x03"u8.ToArray());
        foreach (var h in new uint[] { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 })
        {
            expected.AddRange(BitConverter.GetBytes(h).Reverse());
        }

        var block = new byte[64];
        "abc"u8.CopyTo(block);
        expected.AddRange(block);
        expected.AddRange(new byte[] { 0, 0, 0, 0, 0, 0, 0, 3 });
        Assert.That(state, Is.EqualTo(expected.ToArray()));
    }

    [Test]
    public void The_digest_can_be_read_while_hashing_goes_on()
    {
        var hash = ResumableSha256.TryCreate()!;
        hash.Append("ab"u8);
        Assert.That(hash.GetDigest(), Is.EqualTo(Digest.Compute("ab"u8)));
        hash.Append("c"u8);
        Assert.That(hash.GetDigest(), Is.EqualTo(Digest.Compute("abc"u8)));
    }

    [TestCase(new byte[0])]
    [TestCase(new byte[] { 1, 2, 3 })]
    public void Something_that_is_not_a_saved_state_is_not_restored(byte[] state) =>
        Assert.That(ResumableSha256.TryRestore(state), Is.Null);
}
