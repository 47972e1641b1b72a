//! A learning curve's training rows: a seeded share of a fold's training rows, nested (the
//! rows kept at a smaller share are among those kept at a larger one) and stratified when the
//! splitter is.

use crate::rng;
use rand_chacha::ChaCha8Rng;

/// The rows of `train` kept at `fraction`: `train` shuffled once by `rng`, then its first
/// ⌈fraction · n⌉ rows — per stratum (⌈fraction · n_s⌉ of each) when `strata` is given — in
/// ascending order. One shuffle serves every fraction, so the subsets are nested.
pub fn subsample(
    train: &[usize],
    fraction: f64,
    strata: Option<&[usize]>,
    mut rng: ChaCha8Rng,
) -> Vec<usize> {
    let mut order = train.to_vec();
    rng::shuffle(&mut order, &mut rng);
    let keep = |n: usize| ((fraction * n as f64).ceil() as usize).clamp(1, n.max(1));
    let mut kept: Vec<usize> = match strata {
        None => order[..keep(order.len()).min(order.len())].to_vec(),
        Some(strata) => {
            let mut labels: Vec<usize> = order.iter().map(|&r| strata[r]).collect();
            labels.sort_unstable();
            labels.dedup();
            labels
                .iter()
                .flat_map(|&s| {
                    let members: Vec<usize> =
                        order.iter().copied().filter(|&r| strata[r] == s).collect();
                    let k = keep(members.len());
                    members.into_iter().take(k)
                })
                .collect()
        }
    };
    kept.sort_unstable();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Purpose};

    #[test]
    fn subsets_are_nested_seeded_and_stratified() {
        let train: Vec<usize> = (0..40).collect();
        let strata: Vec<usize> = (0..40).map(|r| usize::from(r >= 30)).collect();
        let rng = || stream(5, Purpose::Subsample { fold: 1 });
        let mut previous: Vec<usize> = Vec::new();
        for fraction in [0.1, 0.25, 0.5, 1.0] {
            let kept = subsample(&train, fraction, Some(&strata), rng());
            assert!(
                previous.iter().all(|r| kept.contains(r)),
                "nested at {fraction}"
            );
            let minority = kept.iter().filter(|&&r| r >= 30).count();
            assert_eq!(
                minority,
                (fraction * 10.0_f64).ceil() as usize,
                "stratified"
            );
            assert_eq!(kept.len() - minority, (fraction * 30.0_f64).ceil() as usize);
            previous = kept;
        }
        assert_eq!(previous, train, "the whole fraction keeps every row");
        let once = subsample(&train, 0.25, None, rng());
        assert_eq!(
            once,
            subsample(&train, 0.25, None, rng()),
            "same seed, same rows"
        );
        assert_eq!(once.len(), 10);
        assert_ne!(
            once,
            subsample(
                &train,
                0.25,
                None,
                stream(6, Purpose::Subsample { fold: 1 })
            )
        );
    }
}
