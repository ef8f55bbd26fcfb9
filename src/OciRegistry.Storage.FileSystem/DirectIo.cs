using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OciRegistry.Storage.FileSystem;

/// <summary>
/// Switches an open file between cached and direct writes (Linux's <c>O_DIRECT</c>, set with <c>fcntl</c>): a direct
/// write goes from the caller's buffer to the device without passing through the page cache, but its buffer, file
/// offset and length must all be multiples of <see cref="Alignment"/>.
/// </summary>
internal static partial class DirectIo
{
    /// <summary>
    /// The alignment every direct write keeps: 4 KiB, the largest logical block size of common devices (most take
    /// 512 bytes), so one value suits every disk.
    /// </summary>
    public const int Alignment = 4096;

    private const int GetStatusFlags = 3; // F_GETFL
    private const int SetStatusFlags = 4; // F_SETFL

    // The flag's value differs between architectures; elsewhere direct writes are not used.
    private static readonly int DirectFlag = !OperatingSystem.IsLinux() ? 0 : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x4000,
        Architecture.Arm64 or Architecture.Arm => 0x10000,
        _ => 0,
    };

    /// <summary>True where files can be switched to direct writes at all (Linux on x86 and ARM).</summary>
    public static bool IsAvailable => DirectFlag != 0;

    /// <summary>
    /// Turns direct writes on or off for <paramref name="file"/>. False when the system refuses, as filesystems
    /// without direct I/O do; the file then stays as it was.
    /// </summary>
    public static bool TrySet(SafeFileHandle file, bool direct)
    {
        if (!IsAvailable)
        {
            return !direct;
        }

        var flags = Fcntl(file, GetStatusFlags, 0);
        if (flags < 0)
        {
            return false;
        }

        var wanted = direct ? flags | DirectFlag : flags & ~DirectFlag;
        return wanted == flags || Fcntl(file, SetStatusFlags, wanted) == 0;
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Fcntl(SafeFileHandle file, int command, int argument);
}
