namespace OciRegistry.Host;

/// <summary>Where the host listens: <c>$PORT</c> (Cloud Foundry), else <c>--urls</c>/<c>ASPNETCORE_URLS</c>, else localhost:5000.</summary>
internal static class HostListenAddress
{
    public const string DefaultUrl = "http://localhost:5000";

    public static void Configure(WebApplicationBuilder builder)
    {
        var port = Environment.GetEnvironmentVariable("PORT");
        if (!string.IsNullOrWhiteSpace(port))
        {
            if (!int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                throw new InvalidOperationException($"PORT must be a TCP port number, not '{port}'.");
            }

            builder.WebHost.UseUrls($"http://0.0.0.0:{number}");
            return;
        }

        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]) &&
            string.IsNullOrEmpty(builder.Configuration["HTTP_PORTS"]) &&
            string.IsNullOrEmpty(builder.Configuration["HTTPS_PORTS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
    }
}
