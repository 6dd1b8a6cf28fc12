using System.Text.Json;
using System.Text.Json.Serialization;

namespace P2PCall.Signaling.SocketIO;

/// <summary>
/// An emit argument that SocketIOClient's System.Text.Json serializer writes verbatim, so the payload on the wire
/// is byte-for-byte <see cref="P2PCall.Core.Signaling.SignalingJson.Serialize"/>'s (what the seed's page sends), not
/// System.Text.Json's re-escaped form.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
internal sealed class RawJson(string json)
{
    public string Json { get; } = json;
}

internal sealed class RawJsonConverter : JsonConverter<RawJson>
{
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("RawJson is written only.");

    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Json, skipInputValidation: true);
}
