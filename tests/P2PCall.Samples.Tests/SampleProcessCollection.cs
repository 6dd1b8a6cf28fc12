namespace P2PCall.Samples.Tests;

/// <summary>
/// The tests that start processes (sample calls with real media, the package build) run one at a time: each call
/// encodes and decodes video on both sides, and the machine's cores are shared with the other test assemblies.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SampleProcessCollection
{
    public const string Name = "sample processes";
}
