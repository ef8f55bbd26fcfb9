namespace OciRegistry.Integration.Tests.ScaleOut;

/// <summary>A request of the kill loop got no answer from the registry: its host was killed meanwhile.</summary>
internal sealed class CutOffException(string message, Exception? innerException = null) : Exception(message, innerException);
