namespace OciRegistry.Embedding;

/// <summary>One build the application records: which image it produced and whether it passed.</summary>
internal sealed record BuildRecord(string Id, string Image, bool Succeeded);
