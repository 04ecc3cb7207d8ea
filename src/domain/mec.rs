//! Postal MEC (mesa de escrutinio y cómputo) assignment: per entity, at most `max` electors
//! per MEC, balanced (sizes differ by at most one), numbered from 1, deterministic given the
//! order of the list.

/// How many MECs an entity with `n` electors needs.
pub fn mec_count(n: u64, max: u32) -> u64 {
    let max = u64::from(max.max(1));
    n.div_ceil(max)
}

/// The MEC (1-based) of the elector at 0-based position `index` of an entity's ordered list.
pub fn mec_of(index: u64, n: u64, max: u32) -> u64 {
    let k = mec_count(n, max).max(1);
    let base = n / k;
    let extra = n % k;
    let big = extra * (base + 1);
    if index < big {
        index / (base + 1) + 1
    } else {
        extra + (index - big) / base.max(1) + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(n: u64, max: u32) -> Vec<u64> {
        let mut s = vec![0; mec_count(n, max) as usize];
        for i in 0..n {
            s[(mec_of(i, n, max) - 1) as usize] += 1;
        }
        s
    }

    #[test]
    fn no_mec_exceeds_the_maximum_and_sizes_differ_by_at_most_one() {
        for n in [1, 2, 749, 750, 751, 1500, 1501, 2253, 98_854] {
            for max in [1, 7, 750] {
                let s = sizes(n, max);
                assert!(s.iter().all(|&x| x <= u64::from(max) && x > 0), "{n}/{max}");
                assert!(
                    s.iter().max().unwrap() - s.iter().min().unwrap() <= 1,
                    "{n}/{max}"
                );
                assert_eq!(s.iter().sum::<u64>(), n);
            }
        }
    }

    #[test]
    fn mecs_are_contiguous_and_numbered_from_one() {
        let n = 1501;
        let mut last = 1;
        for i in 0..n {
            let m = mec_of(i, n, 750);
            assert!(m == last || m == last + 1);
            last = m;
        }
        assert_eq!(mec_of(0, n, 750), 1);
        assert_eq!(last, 3);
    }

    #[test]
    fn oaxaca_620_electors_fit_in_one_mec_of_750() {
        assert_eq!(mec_count(620, 750), 1);
        assert_eq!(sizes(620, 750), vec![620]);
    }
}
