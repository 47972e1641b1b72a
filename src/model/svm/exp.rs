//! The exponential of the Gaussian kernel (and of binary logistic's loss), vectorised: a kernel
//! row needs one per training row, and a call to libm each was a third of a fit's time.

/// e^x within one unit in the last place, in operations that vectorise (so a kernel row's
/// exponentials take a few instructions each rather than a call each) and that give the same
/// bits on every machine: Cody & Waite's reduction x = k·ln 2 + r, |r| ≤ ln 2 / 2 (Cody &
/// Waite 1980, "Software manual for the elementary functions", ch. 6), e^r by its Taylor
/// polynomial to degree 13 (truncation below 5e-18 relative), times 2^k from its bits.
/// Arguments below −708 give 0 (e^−708 ≈ 3e−308; libm would return tinier numbers, which no
/// float32 kernel value and no decision sum can tell from 0).
#[inline(always)]
pub(super) fn exp(x: f64) -> f64 {
    // 1.5 × 2⁵²: adding it rounds to an integer, kept in the low bits of the sum
    const SHIFTER: f64 = 6_755_399_441_055_744.0;
    // ln 2 in two parts, the first with trailing zeros so that k·LN2_HIGH is exact (fdlibm)
    const LN2_HIGH: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000); // 0.693147180369123816490
    const LN2_LOW: f64 = f64::from_bits(0x3dea_39ef_3579_3c76); // 1.90821492927058770002e-10
    let x = x.clamp(-708.0, 709.0);
    let shifted = x.mul_add(std::f64::consts::LOG2_E, SHIFTER);
    let k = shifted - SHIFTER;
    let r = k.mul_add(-LN2_LOW, k.mul_add(-LN2_HIGH, x));
    let p = INVERSE_FACTORIALS
        .iter()
        .rev()
        .fold(1.0 / 6_227_020_800.0, |p: f64, &c| p.mul_add(r, c));
    let k_bits = shifted.to_bits().wrapping_sub(SHIFTER.to_bits());
    let scale = f64::from_bits(k_bits.wrapping_add(1023) << 52);
    if x > -708.0 {
        p * scale
    } else {
        0.0
    }
}

/// 1/n! for n = 0..12.
const INVERSE_FACTORIALS: [f64; 13] = [
    1.0,
    1.0,
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5_040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
];

/// `values[i] = e^values[i]`, compiled for the machine's vector instructions.
pub(crate) fn exponentiate(values: &mut [f64]) {
    super::vectorised(|| values.iter_mut().for_each(|v| *v = exp(*v)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_within_one_unit_in_the_last_place() {
        let mut worst = 0;
        for i in 0..200_000 {
            let x = -750.0 + 760.0 * i as f64 / 200_000.0 + 1e-7 * (i as f64).sin();
            let (ours, libm) = (exp(x), x.exp());
            if x <= -708.0 {
                assert_eq!(ours, 0.0, "{x}");
                continue;
            }
            let ulps = (ours.to_bits() as i64 - libm.to_bits() as i64).abs();
            worst = worst.max(ulps);
        }
        assert!(worst <= 1, "{worst} ulps");
        assert_eq!(exp(0.0), 1.0);
        // the vectorised path gives the scalar function's bits
        let mut values: Vec<f64> = (0..37).map(|i| -0.37 * i as f64).collect();
        let want: Vec<f64> = values.iter().map(|&v| exp(v)).collect();
        exponentiate(&mut values);
        assert_eq!(values, want);
    }
}
