/* The machine's binary-product peak, measured: how many 512-bit XOR + VPOPCNTQ + VPADDQ triples
 * (the VPOPCNTQ kernel's inner step, 512 bit-products each) and VPERMB + VPADDB pairs (HwFlow's
 * table-lookup step, 384 bit-products each) one core retires per cycle, and the clock, from a
 * chain of dependent adds (one per cycle). Independent chains, registers only: no memory limits.
 * Build and run:  gcc -O2 -mavx512f -mavx512bw -mavx512vbmi -mavx512vpopcntdq peak.c -o peak && ./peak
 * Run it on a quiet machine: under load the "clock" drops with the CPU share the process gets. */
#include <stdio.h>
#include <stdint.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

#define TRIPLE(x, acc) "vpxorq %%zmm30, %%zmm31, %%zmm" #x "\n\tvpopcntq %%zmm" #x ", %%zmm" #x "\n\tvpaddq %%zmm" #x ", %%zmm" #acc ", %%zmm" #acc "\n\t"
#define PAIR(x, acc) "vpermb %%zmm30, %%zmm31, %%zmm" #x "\n\tvpaddb %%zmm" #x ", %%zmm" #acc ", %%zmm" #acc "\n\t"

int main(void)
{
    long n = 500000000;
    uint64_t x = 0;
    double t = now();
    for (long i = 0; i < n; i++) __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(x));
    double ghz = 4.0 * n / (now() - t) / 1e9;
    printf("clock: %.3f GHz (dependent 64-bit adds)\n", ghz);

    n = 100000000;
    t = now();
    for (long i = 0; i < n; i++)
        __asm__ volatile(TRIPLE(0, 16) TRIPLE(1, 17) TRIPLE(2, 18) TRIPLE(3, 19) TRIPLE(4, 20) TRIPLE(5, 21) TRIPLE(6, 22) TRIPLE(7, 23)
            ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23");
    double triples = 8.0 * n / (now() - t) / 1e9 / ghz;
    printf("XOR+VPOPCNTQ+VPADDQ (zmm): %.2f per cycle = %.0f bit-products/cycle = %.2f T/s\n", triples, triples * 512, triples * 512 * ghz / 1e3);

    t = now();
    for (long i = 0; i < n; i++)
        __asm__ volatile(PAIR(0, 16) PAIR(1, 17) PAIR(2, 18) PAIR(3, 19) PAIR(4, 20) PAIR(5, 21) PAIR(6, 22) PAIR(7, 23)
            ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23");
    double pairs = 8.0 * n / (now() - t) / 1e9 / ghz;
    printf("VPERMB+VPADDB (zmm):       %.2f per cycle = %.0f bit-products/cycle = %.2f T/s\n", pairs, pairs * 384, pairs * 384 * ghz / 1e3);
    return 0;
}
