using HwFlow.Compiler.Rtl;
using HwFlow.Runtime.Numerics;

namespace HwFlow.Compiler.Hardware.Generators;

/// <summary>
/// The activation banks of a binary matrix-vector unit with many inputs kept in block RAM instead
/// of two shift registers: 2 x Inputs flip-flops and a multiplexer a bit are most of a wide
/// dense layer on iCE40 (the 1,600-input layer after a conv net's flatten: 3,200 flip-flops and
/// about 2,700 LUT4s), while its two banks fit one 4-kbit block. The fill side gathers SIMD
/// incoming bits into a word and writes it to the fill bank; the read side keeps the word the
/// compute side takes next in the RAM's output register: every cycle it reads the address the
/// read pointer will have after this cycle's beat, so the word is there, without a bubble, in the
/// cycle the beat is issued (as the shift register's low bits were). A word is always written
/// two or more cycles before the beat that reads it (the bank is marked full a cycle after its
/// last write, and a bank has two or more words), so a read never needs a write of the same cycle.
/// </summary>
public sealed class BinaryInputRam
{
    /// <summary>Input bits (inputs x planes) from which the banks go to block RAM (2 x 1,024 bits: half an iCE40 block and more).</summary>
    public const int MinInputs = 1024;

    /// <summary>
    /// Inputs from which the bits of a layer with chunk factors (HBNN) go to block RAM, their factors
    /// staying in registers. Much lower: fmnist-tiny's 64-input HBNN layers at PE 1 spent 2 x 64
    /// flip-flops and a rotate multiplexer a bit on banks one block holds, about 250 logic cells a
    /// layer of a UP5K that the 20,000 frames/s folding (issue 14) needs.
    /// </summary>
    public const int MinFactorInputs = 64;

    /// <summary>
    /// The widest word (SIMD x planes bits) the banks take to block RAM: an iCE40 block's widest word. Wider words waste
    /// blocks where block RAM is what runs out (fmnist-wht's 1,024-input layer at SIMD 64 would
    /// take four 4-kbit blocks for 2 kbit, and `--device ice40-hx8k` then had to fold it 4x slower);
    /// at these SIMDs the shift registers stay.
    /// </summary>
    public const int MaxSimd = 16;

    /// <summary>
    /// Whether a layer's banks may be in block RAM, whatever its producer sends a beat. Only at
    /// PE 1: a layer folded that far is where block RAM is cheap next to the registers; at PE 2+
    /// its wider weight and threshold words already cost blocks, and one more block for the banks
    /// made `--device` fold fmnist-wht 4x slower on the HX8K. (Which of the two a device wants is
    /// the device search's choice to make; it does not make it yet.)
    /// </summary>
    public static bool Applies(int inputs, int pe, int simd, int factorWidth, int planes, int minInputs = MinInputs, int minFactorInputs = MinFactorInputs) =>
        pe == 1 && inputs * planes >= (factorWidth == 0 ? minInputs : minFactorInputs) && simd * planes <= MaxSimd && inputs / simd >= 2 && inputs % simd == 0;

    /// <summary>Whether the generator builds the banks in block RAM: also whole words from whole beats, and every word read was written.</summary>
    public static bool Builds(int inputs, int pe, int simd, int factorWidth, int planes, int lanes, int fillElements, int minInputs, int minFactorInputs = MinFactorInputs) =>
        Applies(inputs, pe, simd, factorWidth, planes, minInputs, minFactorInputs) && simd % lanes == 0 && fillElements % simd == 0 && inputs <= fillElements;

    private readonly int _wordBits, _words, _bankWords, _addressWidth;
    private readonly RtlSignal _readBank, _writeAddress, _writeWord, _writeEnable;
    private RtlSignal? _readAddress, _nextWord;

    /// <param name="planes">Bits an element takes (a bit-plane layer's x-planes, element by element as in the shift-register banks).</param>
    public BinaryInputRam(ModuleBuilder m, PingPong banks, RtlSignal beatBits, RtlSignal accept, int lanes, int simd, int fillElements, int inputs, int planes)
    {
        _wordBits = simd * planes;
        _words = inputs / simd;
        _bankWords = fillElements / simd;
        _addressWidth = BitWidth.ToIndex(2L * _bankWords);
        _readBank = banks.Read;
        int beatsPerWord = simd / lanes;
        var (_, beatLast) = m.Counter("fill_word_beat", beatsPerWord, accept);
        _writeEnable = m.And(accept, beatLast);
        var (fillWord, _) = m.Counter("fill_word", _bankWords, _writeEnable);
        _writeWord = beatBits;
        if (beatsPerWord > 1)
        {
            // earlier beats move down: the word's first element ends at bit 0, as in the shift-register banks
            int held = (beatsPerWord - 1) * lanes * planes;
            var gathered = m.Register("gather", held, useReset: false);
            var all = m.Concat(beatBits, gathered);
            m.Next(gathered, m.Slice(all, lanes * planes, held), accept);
            _writeWord = all;
        }
        _writeAddress = InBank(m, banks.Fill, fillWord);
    }

    /// <summary>The word of the beat issued this cycle (the RAM's output register), and the read pointer stepped by <paramref name="issue"/>.</summary>
    public RtlSignal Read(ModuleBuilder m, RtlSignal issue)
    {
        int width = BitWidth.ToIndex(_words);
        var word = m.Register("in_word", width);
        var last = m.Compare(RtlOp.Eq, word, m.Const(_words - 1, width));
        _nextWord = m.Mux(issue, m.Mux(last, m.Const(0, width), m.Add(word, m.Const(1, width))), word);
        m.Next(word, _nextWord);
        _readAddress = m.Wire("in_read_address", _addressWidth);
        return m.Ram("bank", _wordBits, 2 * _bankWords, _readAddress, null, _writeAddress, _writeWord, _writeEnable, MemoryStyle.Block, readsNeverCollide: true);
    }

    /// <summary>The read address: the pointer's next word in the bank the compute side reads after this cycle (<paramref name="drained"/> moves it to the other bank).</summary>
    public void ConnectAddress(ModuleBuilder m, RtlSignal drained)
    {
        var nextBank = m.Mux(drained, m.Not(_readBank), _readBank);
        m.Assign(_readAddress ?? throw new InvalidOperationException("Read before ConnectAddress"), InBank(m, nextBank, _nextWord!));
    }

    private RtlSignal InBank(ModuleBuilder m, RtlSignal bank, RtlSignal word) =>
        m.Add(m.Fit(word, false, _addressWidth), m.Mux(bank, m.Const(_bankWords, _addressWidth), m.Const(0, _addressWidth)));
}
