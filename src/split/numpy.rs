//! numpy's legacy `RandomState` as far as scikit-learn's shuffled folds need it, so that split
//! seed s under `--splits sklearn` gives the folds of `KFold(shuffle=True, random_state=s)`:
//! the Mersenne Twister MT19937 seeded by `init_genrand` (Matsumoto & Nishimura 1998; numpy
//! seeds an integer this way), `random_interval`'s masked rejection sampling and the backward
//! Fisher–Yates shuffle of `RandomState.shuffle` / `permutation`.

/// MT19937 state (624 words and a position).
#[derive(Clone)]
struct Mt19937 {
    state: [u32; 624],
    index: usize,
}

impl Mt19937 {
    /// `init_genrand(seed)`.
    fn new(seed: u32) -> Mt19937 {
        let mut state = [0u32; 624];
        state[0] = seed;
        for i in 1..624 {
            let previous = state[i - 1];
            state[i] = 1_812_433_253u32
                .wrapping_mul(previous ^ (previous >> 30))
                .wrapping_add(i as u32);
        }
        Mt19937 { state, index: 624 }
    }

    /// `genrand_int32`: the next tempered 32-bit output.
    fn next_u32(&mut self) -> u32 {
        if self.index >= 624 {
            for i in 0..624 {
                let y = (self.state[i] & 0x8000_0000) | (self.state[(i + 1) % 624] & 0x7fff_ffff);
                let mut next = self.state[(i + 397) % 624] ^ (y >> 1);
                if y & 1 == 1 {
                    next ^= 0x9908_b0df;
                }
                self.state[i] = next;
            }
            self.index = 0;
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random_interval(max)`: uniform on 0..=max by masking to the next power of two and
    /// rejecting values above `max` (32-bit draws, as every fold size here fits).
    fn interval(&mut self, max: u32) -> u32 {
        if max == 0 {
            return 0;
        }
        let mut mask = max;
        for shift in [1, 2, 4, 8, 16] {
            mask |= mask >> shift;
        }
        loop {
            let value = self.next_u32() & mask;
            if value <= max {
                return value;
            }
        }
    }
}

/// `np.random.RandomState(seed)`, for as long as a splitter keeps drawing from it.
#[derive(Clone)]
pub(crate) struct RandomState(Mt19937);

impl RandomState {
    pub(crate) fn new(seed: u32) -> RandomState {
        RandomState(Mt19937::new(seed))
    }

    /// `shuffle(values)`: a backward Fisher–Yates.
    pub(crate) fn shuffle<T>(&mut self, values: &mut [T]) {
        for i in (1..values.len()).rev() {
            let j = self.0.interval(i as u32) as usize;
            values.swap(i, j);
        }
    }

    /// `permutation(n)`: 0..n shuffled.
    pub(crate) fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..n).collect();
        self.shuffle(&mut order);
        order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_outputs_of_numpy_and_the_mt19937_paper() {
        // numpy 2.4.6: np.random.RandomState(0).permutation(10)
        assert_eq!(
            RandomState::new(0).permutation(10),
            [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]
        );
        // mt19937ar.c seeded with init_genrand(5489), its default: first output 3499211612
        assert_eq!(Mt19937::new(5489).next_u32(), 3_499_211_612);
    }
}
