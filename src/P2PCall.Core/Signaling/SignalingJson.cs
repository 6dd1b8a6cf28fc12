using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using P2PCall.WebRtc;

namespace P2PCall.Core.Signaling;

/// <summary>
/// The seed's wire format: each message as the JSON object its page emits on socket.io, camelCase,
/// byte-for-byte what <c>JSON.stringify</c> makes of it (for example
/// <c>{"targetUid":"B","userId":"A","offer":{"type":"offer","sdp":"v=0…"}}</c>).
/// </summary>
public static class SignalingJson
{
    /// <summary>The largest payload <see cref="Parse"/> accepts (1 MiB); an SDP is a few kilobytes.</summary>
    public const int MaxPayloadLength = 1 << 20;

    /// <summary>Serialises a message to its JSON payload (the event name travels beside it).</summary>
    /// <param name="message">The message.</param>
    public static string Serialize(SignalingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var w = new JsonStringify().BeginObject()
            .Name("targetUid").String(message.TargetUid)
            .Name("userId").String(message.UserId);
        switch (message)
        {
            case RejectMessage reject when reject.Reason is not null:
                w.Name("reason").String(reject.Reason);
                break;
            case OfferMessage offer:
                WriteDescription(w.Name("offer"), offer.Offer);
                break;
            case AnswerMessage answer:
                WriteDescription(w.Name("answer"), answer.Answer);
                break;
            case CandidateMessage candidate:
                // The field order of RTCIceCandidate.toJSON() (W3C webrtc-pc §4.8.1).
                w.Name("candidate").BeginObject()
                    .Name("candidate").String(candidate.Candidate.Candidate)
                    .Name("sdpMid").String(candidate.Candidate.SdpMid)
                    .Name("sdpMLineIndex").Number(candidate.Candidate.SdpMLineIndex)
                    .Name("usernameFragment").String(candidate.Candidate.UsernameFragment)
                    .EndObject();
                break;
        }

        return w.EndObject().ToString();
    }

    /// <summary>Reads a payload received under <paramref name="eventName"/>.</summary>
    /// <param name="eventName">One of <see cref="SignalingEvents.All"/>.</param>
    /// <param name="json">The JSON payload.</param>
    /// <exception cref="SignalingFormatException">The event is unknown or the payload is not a valid message.</exception>
    public static SignalingMessage Parse(string eventName, string json)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > MaxPayloadLength)
        {
            throw new SignalingFormatException(eventName, $"payload of {json.Length} characters exceeds {MaxPayloadLength}");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw new SignalingFormatException(eventName, "not valid JSON: " + ex.Message, ex);
        }

        using (doc)
        {
            return Read(eventName, doc.RootElement);
        }
    }

    /// <summary>Reads a payload already parsed to a JSON element (as socket.io clients hand them over).</summary>
    /// <param name="eventName">One of <see cref="SignalingEvents.All"/>.</param>
    /// <param name="payload">The payload.</param>
    /// <exception cref="SignalingFormatException">The event is unknown or the payload is not a valid message.</exception>
    public static SignalingMessage Read(string eventName, JsonElement payload)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        try
        {
            return ReadCore(eventName, payload);
        }
        catch (InvalidOperationException ex)
        {
            // JsonElement.GetString refuses strings that are not valid UTF-16 (a lone surrogate escape, which
            // JSON.stringify can produce): that is a malformed payload, not a crash.
            throw new SignalingFormatException(eventName, "a string cannot be read: " + ex.Message, ex);
        }
    }

    private static SignalingMessage ReadCore(string eventName, JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new SignalingFormatException(eventName, $"expected a JSON object, got {payload.ValueKind}");
        }

        var target = RequiredString(eventName, payload, "targetUid");
        var user = RequiredString(eventName, payload, "userId");
        return eventName switch
        {
            SignalingEvents.Call => new CallMessage(target, user),
            SignalingEvents.Accept => new AcceptMessage(target, user),
            SignalingEvents.Hangup => new HangupMessage(target, user),
            SignalingEvents.Reject => new RejectMessage(target, user, OptionalString(eventName, payload, "reason")),
            SignalingEvents.Offer => new OfferMessage(target, user, ReadDescription(eventName, payload, "offer", RTCSdpType.Offer)),
            SignalingEvents.Answer => new AnswerMessage(target, user, ReadDescription(eventName, payload, "answer", RTCSdpType.Answer)),
            SignalingEvents.Candidate => new CandidateMessage(target, user, ReadCandidate(eventName, payload)),
            _ => throw new SignalingFormatException(eventName, "unknown event"),
        };
    }

    /// <summary>Like <see cref="Parse"/>, but returns false with the error instead of throwing.</summary>
    /// <param name="eventName">The event name.</param>
    /// <param name="json">The JSON payload.</param>
    /// <param name="message">The message, when valid.</param>
    /// <param name="error">The error, when not.</param>
    public static bool TryParse(
        string eventName,
        string json,
        [NotNullWhen(true)] out SignalingMessage? message,
        [NotNullWhen(false)] out SignalingFormatException? error)
    {
        try
        {
            message = Parse(eventName, json);
            error = null;
            return true;
        }
        catch (SignalingFormatException ex)
        {
            message = null;
            error = ex;
            return false;
        }
    }

    /// <summary>The JSON name of an SDP type (W3C RTCSdpType).</summary>
    /// <param name="type">The type.</param>
    public static string ToJsonName(RTCSdpType type) => type switch
    {
        RTCSdpType.Offer => "offer",
        RTCSdpType.Answer => "answer",
        RTCSdpType.Pranswer => "pranswer",
        RTCSdpType.Rollback => "rollback",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static void WriteDescription(JsonStringify w, RTCSessionDescriptionInit description) =>
        w.BeginObject()
            .Name("type").String(ToJsonName(description.Type))
            .Name("sdp").String(description.Sdp)
            .EndObject();

    private static RTCSessionDescriptionInit ReadDescription(string eventName, JsonElement payload, string field, RTCSdpType expected)
    {
        var obj = RequiredObject(eventName, payload, field);
        var typeName = RequiredString(eventName, obj, "type", $"{field}.type");
        RTCSdpType type = typeName switch
        {
            "offer" => RTCSdpType.Offer,
            "answer" => RTCSdpType.Answer,
            "pranswer" => RTCSdpType.Pranswer,
            "rollback" => RTCSdpType.Rollback,
            _ => throw new SignalingFormatException(eventName, $"'{field}.type' has unknown value '{typeName}'"),
        };
        var acceptable = type == expected || (expected == RTCSdpType.Answer && type == RTCSdpType.Pranswer);
        if (!acceptable)
        {
            throw new SignalingFormatException(eventName, $"'{field}.type' is '{typeName}', expected '{ToJsonName(expected)}'");
        }

        if (!obj.TryGetProperty("sdp", out var sdp) || sdp.ValueKind != JsonValueKind.String || sdp.GetString() is not { Length: > 0 } text)
        {
            throw new SignalingFormatException(eventName, $"'{field}.sdp' must be a non-empty string");
        }

        return new RTCSessionDescriptionInit(type, text);
    }

    private static RTCIceCandidateInit ReadCandidate(string eventName, JsonElement payload)
    {
        var obj = RequiredObject(eventName, payload, "candidate");
        if (!obj.TryGetProperty("candidate", out var c) || c.ValueKind != JsonValueKind.String)
        {
            throw new SignalingFormatException(eventName, "'candidate.candidate' must be a string");
        }

        ushort? index = null;
        if (obj.TryGetProperty("sdpMLineIndex", out var i) && i.ValueKind != JsonValueKind.Null)
        {
            if (i.ValueKind != JsonValueKind.Number || !i.TryGetUInt16(out var value))
            {
                throw new SignalingFormatException(eventName, "'candidate.sdpMLineIndex' must be an integer from 0 to 65535 or null");
            }

            index = value;
        }

        var mid = OptionalString(eventName, obj, "sdpMid", "candidate.sdpMid");
        var ufrag = OptionalString(eventName, obj, "usernameFragment", "candidate.usernameFragment");
        if (mid is null && index is null && c.GetString()!.Length > 0)
        {
            // W3C webrtc-pc §4.4.1.6 addIceCandidate: sdpMid and sdpMLineIndex both null is a TypeError.
            throw new SignalingFormatException(eventName, "'candidate' needs sdpMid or sdpMLineIndex");
        }

        return new RTCIceCandidateInit(c.GetString()!, mid, index, ufrag);
    }

    private static JsonElement RequiredObject(string eventName, JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Object)
        {
            throw new SignalingFormatException(eventName, $"'{name}' must be a JSON object");
        }

        return value;
    }

    private static string RequiredString(string eventName, JsonElement obj, string name, string? path = null)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            throw new SignalingFormatException(eventName, $"'{path ?? name}' must be a non-empty string");
        }

        return text;
    }

    private static string? OptionalString(string eventName, JsonElement obj, string name, string? path = null)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new SignalingFormatException(eventName, $"'{path ?? name}' must be a string or null");
        }

        return value.GetString();
    }
}
