namespace OciRegistry.Authentication;

/// <summary>Parameter values of <c>WWW-Authenticate</c> challenges.</summary>
internal static class ChallengeParameters
{
    /// <summary>A quoted-string (RFC 9110): backslash and double quote escaped, control characters dropped.</summary>
    public static string Quote(string? value) =>
        "\"" + string.Concat((value ?? string.Empty).Where(c => !char.IsControl(c)).Select(c => c is '"' or '\\' ? "\\" + c : c.ToString())) + "\"";
}
