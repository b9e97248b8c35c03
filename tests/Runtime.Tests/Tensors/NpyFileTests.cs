using System.Text;
using HwFlow.Runtime.Errors;
using HwFlow.Runtime.Tensors;

namespace HwFlow.Runtime.Tests.Tensors;

public sealed class NpyFileTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Float32RoundTripsWithShapeAndBits()
    {
        var tensor = new Tensor([2, 3], [1.5f, -0f, float.Epsilon, 3e38f, -7.25f, 0.1f]);
        var path = _dir.File("a.npy");
        NpyFile.Write(path, tensor);
        var back = NpyFile.Read(path);
        Assert.Equal(NpyDType.Float32, back.Type);
        Assert.True(back.ToTensor().BitEquals(tensor));
    }

    [Fact]
    public void IntegerTypesRoundTrip()
    {
        var int8 = NpyArray.FromSBytes([4], [-128, -1, 0, 127]);
        var uint8 = NpyArray.FromBytes([2, 2], [0, 1, 254, 255]);
        var int32 = NpyArray.FromInt32([3], [int.MinValue, 0, int.MaxValue]);
        foreach (var (array, name) in new[] { (int8, "i8"), (uint8, "u8"), (int32, "i32") })
        {
            var path = _dir.File(name + ".npy");
            NpyFile.Write(path, array);
            var back = NpyFile.Read(path);
            Assert.Equal(array.Type, back.Type);
            Assert.Equal(array.Shape, back.Shape);
            Assert.Equal(array.Bytes, back.Bytes);
        }
        Assert.Equal(-128, NpyFile.Read(_dir.File("i8.npy")).GetDouble(0));
        Assert.Equal(255, NpyFile.Read(_dir.File("u8.npy")).GetDouble(3));
    }

    [Fact]
    public void HeaderIsPaddedTo64BytesAsNumpyDoes()
    {
        var path = _dir.File("a.npy");
        NpyFile.Write(path, new Tensor([3], [1, 2, 3]));
        var bytes = File.ReadAllBytes(path);
        int headerLength = BitConverter.ToUInt16(bytes, 8);
        Assert.Equal(0, (10 + headerLength) % 64);
        Assert.Equal((byte)'\n', bytes[10 + headerLength - 1]);
        Assert.Contains("'shape': (3,)", Encoding.Latin1.GetString(bytes, 10, headerLength));
    }

    [Fact]
    public void ReadsAVersion2HeaderAndAScalarShape()
    {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (), }".PadRight(51) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0 };
        bytes.AddRange(BitConverter.GetBytes((uint)header.Length));
        bytes.AddRange(Encoding.Latin1.GetBytes(header));
        bytes.AddRange(BitConverter.GetBytes(2.5f));
        var array = NpyFile.Parse([.. bytes], "x.npy");
        Assert.Empty(array.Shape);
        Assert.Equal(2.5, array.GetDouble(0));
    }

    [Fact]
    public void TruncatedDataNamesFileAndSizes()
    {
        var path = _dir.File("t.npy");
        NpyFile.Write(path, new Tensor([4, 4], new float[16]));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^5]);
        var e = Assert.Throws<UserError>(() => NpyFile.Read(path));
        Assert.StartsWith(path + ": truncated data", e.Message);
        Assert.Contains("needs 64 bytes, the file has 59", e.Message);
    }

    [Fact]
    public void UnsupportedDtypeIsRejectedWithTheSupportedList()
    {
        var path = _dir.File("f8.npy");
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }".PadRight(117) + "\n";
        File.WriteAllBytes(path, [0x93, .. "NUMPY"u8, 1, 0, .. BitConverter.GetBytes((ushort)header.Length), .. Encoding.Latin1.GetBytes(header), .. new byte[8]]);
        var e = Assert.Throws<UserError>(() => NpyFile.Read(path));
        Assert.Contains("'<f8' is not supported", e.Message);
        Assert.Contains("float32", e.Message);
    }

    [Fact]
    public void FortranOrderAndBadMagicAreRejected()
    {
        var path = _dir.File("f.npy");
        var header = "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }".PadRight(117) + "\n";
        File.WriteAllBytes(path, [0x93, .. "NUMPY"u8, 1, 0, .. BitConverter.GetBytes((ushort)header.Length), .. Encoding.Latin1.GetBytes(header), .. new byte[4]]);
        Assert.Contains("Fortran-ordered", Assert.Throws<UserError>(() => NpyFile.Read(path)).Message);

        File.WriteAllText(path, "this is not numpy");
        Assert.Contains("not a .npy file", Assert.Throws<UserError>(() => NpyFile.Read(path)).Message);
    }

    [Fact]
    public void MissingFileIsAUserError()
    {
        var e = Assert.Throws<UserError>(() => NpyFile.Read(_dir.File("nope.npy")));
        Assert.Contains("does not exist", e.Message);
    }
}
