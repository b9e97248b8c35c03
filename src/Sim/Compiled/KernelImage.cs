using System.Collections.Immutable;
using System.IO.Hashing;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace HwFlow.Sim.Compiled;

/// <summary>
/// The kernels of one simulator as an assembly that can be kept: emitting the IL was the largest
/// part of a simulator built from a saved layout (150-270 ms of 0.5-0.7 s on the HBNN and conv
/// designs), so with an <see cref="ILayoutStore"/> the kernels are emitted into a
/// <see cref="PersistedAssemblyBuilder"/>, saved beside the layout, and a later simulator of the same
/// netlist loads them and only JIT-compiles them. The kernels call LaneMath's portable forms, which
/// are internal, so the image declares IgnoresAccessChecksTo HwFlow.Sim (the dynamic methods used
/// without a store skip visibility checks instead). Kernels are marked AggressiveOptimization: like
/// dynamic methods they are compiled once, optimized, not first at tier 0.
/// </summary>
internal sealed unsafe class KernelImage
{
    private const string TypeName = "HwFlow.Sim.Kernels";

    private readonly PersistedAssemblyBuilder _assembly;
    private readonly TypeBuilder _type;

    public KernelImage()
    {
        _assembly = new PersistedAssemblyBuilder(new AssemblyName("HwFlow.Sim.Kernels"), typeof(object).Assembly);
        var module = _assembly.DefineDynamicModule("HwFlow.Sim.Kernels.dll");
        _type = module.DefineType(TypeName, TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed);
    }

    /// <summary>A new kernel: a public static method taking the state buffer's address.</summary>
    public MethodBuilder Define(string name)
    {
        var method = _type.DefineMethod(name, MethodAttributes.Public | MethodAttributes.Static, typeof(void), [typeof(ulong*)]);
        method.SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
        return method;
    }

    /// <summary>The assembly's bytes, the same for the same kernels; every kernel must be finished.</summary>
    public byte[] Save()
    {
        _type.CreateType();
        using var stream = new MemoryStream();
        _assembly.Save(stream);
        var bytes = stream.ToArray();
        // Two saves of the same kernels differ in the PE timestamp and the module's version id (a
        // fresh GUID): the timestamp is zeroed and the id replaced by a hash of the rest, so an entry
        // is rewritten identically.
        int peHeader = BitConverter.ToInt32(bytes, 0x3C);
        bytes.AsSpan(peHeader + 8, 4).Clear(); // COFF TimeDateStamp, after "PE\0\0", Machine and NumberOfSections
        using (var pe = new PEReader(ImmutableArray.Create(bytes)))
        {
            var metadata = pe.GetMetadataReader();
            var mvid = metadata.GetGuid(metadata.GetModuleDefinition().Mvid).ToByteArray();
            int at = bytes.AsSpan().IndexOf(mvid);
            bytes.AsSpan(at, mvid.Length).Clear();
            XxHash128.Hash(bytes).CopyTo(bytes.AsSpan(at));
        }
        return bytes;
    }

    /// <summary>
    /// Loads saved kernels into a collectible context of their own (unloaded with the last
    /// delegate), resolving HwFlow.Sim to the copy already loaded. Bytes that are not such an
    /// image throw <see cref="InvalidDataException"/>.
    /// </summary>
    public static Loaded Load(byte[] bytes)
    {
        try
        {
            var context = new KernelContext(typeof(KernelImage).Assembly);
            var type = context.LoadFromStream(new MemoryStream(bytes, writable: false)).GetType(TypeName)
                ?? throw new InvalidDataException("the saved kernels have no kernel type");
            return new Loaded(type);
        }
        catch (BadImageFormatException e)
        {
            throw new InvalidDataException("the saved kernels are not an assembly", e);
        }
    }

    /// <summary>Kernels loaded from an image, with its settle and edge kernels (the sequences of all others).</summary>
    public sealed class Loaded
    {
        private readonly Type _type;

        public Loaded(Type type)
        {
            _type = type;
            Settle = Get("settle");
            Edge = Get("edge");
        }

        public Kernel Settle { get; }

        public Kernel Edge { get; }

        private Kernel Get(string name) =>
            (_type.GetMethod(name, BindingFlags.Public | BindingFlags.Static, [typeof(ulong*)]) ?? throw new InvalidDataException($"the saved kernels have no {name}")).CreateDelegate<Kernel>();

        /// <summary>JIT-compiles every kernel now, on all cores, rather than inside the first simulated cycles.</summary>
        public void CompileAll() =>
            Parallel.ForEach(_type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly), method => RuntimeHelpers.PrepareMethod(method.MethodHandle));
    }

    private sealed class KernelContext(Assembly simulator) : AssemblyLoadContext("hwflow-kernels", isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName name) => name.Name == simulator.GetName().Name ? simulator : null;
    }
}
