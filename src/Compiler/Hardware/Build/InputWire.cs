namespace HwFlow.Compiler.Hardware.Build;

/// <summary>
/// A frame of input bytes as it travels on s_axis_tdata. Bytes: as it is, InputWidth / 8 bytes a
/// beat, the first in the low bits. Bits (`--input-format bits`): pixel i becomes the bit
/// byte_i &gt;= InputThreshold at bit i % 8 of byte i / 8, so a beat of W bits carries W pixels,
/// the frame's first pixel in bit 0 of its first beat; the bits of the last beat past the frame
/// are 0 (the core never reads them). The simulators and test benches stream these bytes in
/// their ordinary byte-lane order; the golden kernel keeps reading the unpacked bytes.
/// </summary>
public static class InputWire
{
    public const string Bytes = "bytes";
    public const string Bits = "bits";

    /// <summary>The frame as the core takes it: <see cref="BuildManifest.WireBytes"/> bytes.</summary>
    public static byte[] Pack(BuildManifest manifest, byte[] frame)
    {
        if (frame.Length != manifest.InputBytes)
            throw new ArgumentException($"a frame of {frame.Length} bytes is not one of the build's {manifest.InputBytes}-byte frames");
        if (manifest.InputFormat != Bits) return frame;
        long threshold = manifest.InputThreshold ?? throw new InvalidOperationException("a bits-format build without its input threshold");
        var wire = new byte[manifest.WireBytes];
        for (int i = 0; i < frame.Length; i++)
            if (frame[i] >= threshold) wire[i >> 3] |= (byte)(1 << (i & 7));
        return wire;
    }

    /// <summary><see cref="Pack"/> over every frame.</summary>
    public static IReadOnlyList<byte[]> Pack(BuildManifest manifest, IReadOnlyList<byte[]> frames) =>
        manifest.InputFormat == Bits ? [.. frames.Select(f => Pack(manifest, f))] : frames;
}
