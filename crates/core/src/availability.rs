//! How many seats a buyer is told about. The thresholds live here so the widget's wording
//! and any server-rendered page agree.

use serde::{Deserialize, Serialize};

/// At or below this many seats the widget says "Only N left" to create honest urgency.
pub const FEW_LEFT: u32 = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Availability {
    SoldOut,
    FewLeft(u32),
    Available(u32),
}

impl Availability {
    pub fn of(available: u32) -> Self {
        match available {
            0 => Availability::SoldOut,
            n if n <= FEW_LEFT => Availability::FewLeft(n),
            n => Availability::Available(n),
        }
    }

    pub fn is_sold_out(&self) -> bool {
        matches!(self, Availability::SoldOut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        assert_eq!(Availability::of(0), Availability::SoldOut);
        assert_eq!(Availability::of(1), Availability::FewLeft(1));
        assert_eq!(Availability::of(FEW_LEFT), Availability::FewLeft(FEW_LEFT));
        assert_eq!(Availability::of(FEW_LEFT + 1), Availability::Available(FEW_LEFT + 1));
    }
}
