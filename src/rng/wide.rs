//! ChaCha8 blocks sixteen at a time with AVX-512: one 16-lane vector per state word, lane j
//! computing block `first + j` (Bernstein 2008, "ChaCha, a variant of Salsa20"; the
//! vectorisation of Goll & Gueron 2014). The words are rand_chacha's, in its order: state
//! words 12–13 are the 64-bit block counter, 14–15 the stream id.

use std::arch::x86_64::*;

/// Words one call to [`sixteen_blocks`] writes.
pub(super) const WORDS: usize = 256;

/// `out` (a multiple of [`WORDS`] long) filled with the stream's blocks from `first` on.
#[target_feature(enable = "avx512f")]
pub(super) fn fill(key: &[u8; 32], stream: u64, first: u64, out: &mut [u32]) {
    let mut state = [0u32; 16];
    // "expand 32-byte k"
    state[..4].copy_from_slice(&[0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574]);
    for (word, bytes) in state[4..12].iter_mut().zip(key.chunks_exact(4)) {
        *word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    state[14] = stream as u32;
    state[15] = (stream >> 32) as u32;
    for (k, out) in out.chunks_exact_mut(WORDS).enumerate() {
        sixteen_blocks(&state, first.wrapping_add(16 * k as u64), out);
    }
}

/// One quarter round on words a, b, c and d of every lane.
#[inline(always)]
fn quarter(v: &mut [__m512i; 16], (a, b, c, d): (usize, usize, usize, usize)) {
    // SAFETY (of the intrinsics, which need only AVX-512F): the callers enable it.
    unsafe {
        v[a] = _mm512_add_epi32(v[a], v[b]);
        v[d] = _mm512_rol_epi32::<16>(_mm512_xor_si512(v[d], v[a]));
        v[c] = _mm512_add_epi32(v[c], v[d]);
        v[b] = _mm512_rol_epi32::<12>(_mm512_xor_si512(v[b], v[c]));
        v[a] = _mm512_add_epi32(v[a], v[b]);
        v[d] = _mm512_rol_epi32::<8>(_mm512_xor_si512(v[d], v[a]));
        v[c] = _mm512_add_epi32(v[c], v[d]);
        v[b] = _mm512_rol_epi32::<7>(_mm512_xor_si512(v[b], v[c]));
    }
}

/// Blocks `first .. first + 16` into `out` ([`WORDS`] long), one after another.
#[target_feature(enable = "avx512f")]
fn sixteen_blocks(state: &[u32; 16], first: u64, out: &mut [u32]) {
    let (mut low, mut high) = ([0u32; 16], [0u32; 16]);
    for (j, (low, high)) in low.iter_mut().zip(&mut high).enumerate() {
        let block = first.wrapping_add(j as u64);
        (*low, *high) = (block as u32, (block >> 32) as u32);
    }
    let mut input = state.map(|w| _mm512_set1_epi32(w as i32));
    // SAFETY: each array holds the sixteen words read.
    unsafe {
        input[12] = _mm512_loadu_si512(low.as_ptr().cast());
        input[13] = _mm512_loadu_si512(high.as_ptr().cast());
    }
    let mut v = input;
    // ChaCha8: four double rounds, of the columns and then the diagonals
    for _ in 0..4 {
        for words in [(0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15)] {
            quarter(&mut v, words);
        }
        for words in [(0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14)] {
            quarter(&mut v, words);
        }
    }
    for (v, input) in v.iter_mut().zip(&input) {
        *v = _mm512_add_epi32(*v, *input);
    }
    // transpose: lane j of v[i] is word i of block j; after, v[j] is block j
    let mut t = v;
    for k in 0..8 {
        t[2 * k] = _mm512_unpacklo_epi32(v[2 * k], v[2 * k + 1]);
        t[2 * k + 1] = _mm512_unpackhi_epi32(v[2 * k], v[2 * k + 1]);
    }
    for k in 0..4 {
        let (a, b, c, d) = (t[4 * k], t[4 * k + 1], t[4 * k + 2], t[4 * k + 3]);
        v[4 * k] = _mm512_unpacklo_epi64(a, c);
        v[4 * k + 1] = _mm512_unpackhi_epi64(a, c);
        v[4 * k + 2] = _mm512_unpacklo_epi64(b, d);
        v[4 * k + 3] = _mm512_unpackhi_epi64(b, d);
    }
    // 128-bit lane l of v[4k + r] now holds words 4k .. 4k + 4 of block 4l + r
    for k in 0..2 {
        for r in 0..4 {
            let (a, b) = (v[8 * k + r], v[8 * k + 4 + r]);
            t[8 * k + r] = _mm512_shuffle_i32x4::<0b10_00_10_00>(a, b);
            t[8 * k + 4 + r] = _mm512_shuffle_i32x4::<0b11_01_11_01>(a, b);
        }
    }
    for r in 0..8 {
        v[r] = _mm512_shuffle_i32x4::<0b10_00_10_00>(t[r], t[8 + r]);
        v[8 + r] = _mm512_shuffle_i32x4::<0b11_01_11_01>(t[r], t[8 + r]);
    }
    for (block, v) in out.chunks_exact_mut(16).zip(&v) {
        // SAFETY: `block` holds the sixteen words written.
        unsafe { _mm512_storeu_si512(block.as_mut_ptr().cast(), *v) };
    }
}
