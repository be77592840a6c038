//! A synthetic, deterministic invoice data set of any size: valid business IDs, invoice numbers,
//! mobile barcodes, love codes and items. Every invoice is made by the core's one constructor
//! ([`Invoice::new`]); `einv generate` writes it in the JSONL shape `einv import` reads.
//!
//! Same `seed`, counts and periods, same invoices. Numbers never repeat within a period: each
//! (seller, period) owns a block of a million numbers of one track, used in order, the way a
//! seller uses its allotted books.

use chrono::{Duration, NaiveDate};
use einv_core::business_id::passes_checksum;
use einv_core::invoice::ItemDraft;
use einv_core::{Invoice, InvoiceDraft, Period};

/// The shape of a data set.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// How many invoices.
    pub invoices: u64,
    /// The seed.
    pub seed: u64,
    /// How many Users (mobile barcodes).
    pub users: u64,
    /// How many periods, ending with `last`.
    pub periods: u32,
    /// The last period.
    pub last: Period,
    /// No invoice is dated after this day (the current period's invoices stop at today).
    pub not_after: Option<NaiveDate>,
}

/// SplitMix64: small, fast, and the same sequence on every platform and version.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const STORES: [&str; 8] = [
    "全聯福利中心",
    "統一超商",
    "全家便利商店",
    "家樂福",
    "屈臣氏",
    "誠品書店",
    "星巴克",
    "大創",
];
const STREETS: [&str; 6] = [
    "台北市信義區松高路",
    "新北市板橋區文化路",
    "台中市西屯區台灣大道",
    "高雄市前鎮區中華五路",
    "台南市東區裕農路",
    "桃園市中壢區中正路",
];
const PRODUCTS: [&str; 10] = [
    "鮮奶",
    "茶葉蛋",
    "便當",
    "礦泉水",
    "咖啡",
    "衛生紙",
    "洗髮精",
    "原子筆",
    "口罩",
    "麵包",
];
const LOVE_CODES: [&str; 5] = ["919", "8585", "5252", "25885", "17930"];
const BARCODE_CHARS: &[u8; 39] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.+-";
/// Numbers in a (seller, period) block.
const BLOCK: u64 = 1_000_000;
/// Blocks per period: 676 tracks of 100 blocks.
const MAX_SELLERS: u64 = 676 * 100;

/// Writes invoices one at a time.
#[derive(Debug)]
pub struct Generator {
    plan: Plan,
    rng: Rng,
    periods: Vec<Period>,
    sellers: Vec<(String, String, String)>,
    /// Next number in each (seller, period) block.
    counters: Vec<u32>,
    made: u64,
}

/// A valid business ID drawn from `rng`.
fn business_id(rng: &mut Rng) -> String {
    loop {
        let digits: [u8; 8] = std::array::from_fn(|_| b'0' + rng.below(10) as u8);
        if digits != [b'0'; 8] && passes_checksum(&digits) {
            return String::from_utf8_lossy(&digits).into_owned();
        }
    }
}

impl Generator {
    /// A generator for `plan`.
    pub fn new(plan: Plan) -> anyhow::Result<Self> {
        anyhow::ensure!(plan.periods >= 1, "--periods must be at least 1");
        if let Some(day) = plan.not_after {
            anyhow::ensure!(
                day >= plan.last.first_day(),
                "period {} starts after {day}",
                plan.last
            );
        }
        let mut periods = vec![plan.last];
        for _ in 1..plan.periods {
            let earliest = *periods.last().unwrap_or(&plan.last);
            periods.push(earliest.previous());
        }
        let per_period = plan.invoices.div_ceil(u64::from(plan.periods));
        let sellers = per_period.div_ceil(2_000).clamp(20, MAX_SELLERS);
        // Room for every invoice even if one seller took a whole period's share.
        anyhow::ensure!(
            per_period / sellers < BLOCK / 2,
            "too many invoices for {} periods; give more --periods",
            plan.periods
        );
        let mut rng = Rng(plan.seed);
        let sellers = (0..sellers)
            .map(|k| {
                let ban = business_id(&mut rng);
                let store = STORES[(k % STORES.len() as u64) as usize];
                let street = STREETS[rng.below(STREETS.len() as u64) as usize];
                (
                    ban,
                    format!("{store}{k}號店"),
                    format!("{street}{}號", 1 + rng.below(300)),
                )
            })
            .collect::<Vec<_>>();
        let counters = vec![0; sellers.len() * periods.len()];
        Ok(Self {
            plan,
            rng,
            periods,
            sellers,
            counters,
            made: 0,
        })
    }

    /// The barcodes of every User of the data set, in User order.
    pub fn barcodes(&self) -> Vec<String> {
        (0..self.plan.users).map(|u| self.barcode(u)).collect()
    }

    /// The mobile barcode of User `u`: a bijection of `u` onto `/` + 7 barcode characters.
    fn barcode(&self, u: u64) -> String {
        const SPACE: u64 = 39u64.pow(7);
        // Odd and not a multiple of 3 or 13, so coprime with 39^7: a permutation.
        let mut n = (u.wrapping_mul(0x5DEE_CE6D) + self.plan.seed) % SPACE;
        let mut out = [b'0'; 8];
        out[0] = b'/';
        for slot in out[1..].iter_mut().rev() {
            *slot = BARCODE_CHARS[(n % 39) as usize];
            n /= 39;
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    fn number(&mut self, seller: usize, period: usize) -> anyhow::Result<String> {
        let slot = seller * self.periods.len() + period;
        let count = self.counters[slot];
        anyhow::ensure!(
            u64::from(count) < BLOCK,
            "a seller ran out of numbers; give more --periods"
        );
        self.counters[slot] += 1;
        let track = (seller as u64 / 100 + period as u64 * 37 + self.plan.seed) % 676;
        let letters = [b'A' + (track / 26) as u8, b'A' + (track % 26) as u8];
        let digits = (seller as u64 % 100) * BLOCK + u64::from(count);
        Ok(format!("{}{digits:08}", String::from_utf8_lossy(&letters)))
    }

    /// The next invoice, or none when the plan is done.
    pub fn next_invoice(&mut self) -> anyhow::Result<Option<Invoice>> {
        if self.made >= self.plan.invoices {
            return Ok(None);
        }
        self.made += 1;
        let p = self.rng.below(self.periods.len() as u64) as usize;
        let s = self.rng.below(self.sellers.len() as u64) as usize;
        let period = self.periods[p];
        let end = self
            .plan
            .not_after
            .map_or(period.last_day(), |d| d.min(period.last_day()));
        let days = (end - period.first_day()).num_days().max(0) as u64 + 1;
        let date = period.first_day() + Duration::days(self.rng.below(days) as i64);
        let r = self.rng.next();
        let (seller_id, seller_name, seller_address) = self.sellers[s].clone();
        let mut draft = InvoiceDraft {
            number: self.number(s, p)?,
            date: Some(date),
            time: format!("{:02}:{:02}:{:02}", 7 + r % 16, r / 16 % 60, r / 960 % 60),
            seller_id,
            seller_name,
            seller_address,
            random_number: Some(format!("{:04}", self.rng.below(10_000))),
            tax_type: "1".into(),
            ..InvoiceDraft::default()
        };
        let mut total = 0;
        for _ in 0..1 + self.rng.below(4) {
            let quantity = 1 + self.rng.below(3);
            let price = 10 + self.rng.below(491);
            total += quantity * price;
            draft.items.push(ItemDraft {
                row: None,
                description: PRODUCTS[self.rng.below(PRODUCTS.len() as u64) as usize].to_owned(),
                quantity: quantity.to_string(),
                unit_price: price.to_string(),
                amount: (quantity * price).to_string(),
            });
        }
        let (mut sales, mut tax) = (total, 0);
        match self.rng.below(100) {
            0..60 => {
                let user = self.rng.below(self.plan.users.max(1));
                let barcode = self.barcode(user);
                draft.carrier_type = Some("3J0002".into());
                draft.carrier_id1 = Some(barcode.clone());
                draft.carrier_id2 = Some(barcode);
            }
            60..65 => {
                let id = format!("TP{:014}", self.rng.below(100_000_000_000_000));
                draft.carrier_type = Some("CQ0001".into());
                draft.carrier_id1 = Some(id.clone());
                draft.carrier_id2 = Some(id);
            }
            65..72 => {
                draft.donated = true;
                let code = LOVE_CODES[self.rng.below(LOVE_CODES.len() as u64) as usize];
                draft.npoban = Some(code.into());
            }
            72..95 => draft.printed = true,
            _ => {
                // B2B: the buyer's ID, tax shown separately.
                draft.printed = true;
                draft.buyer_id = Some(business_id(&mut self.rng));
                sales = (total * 100 + 52) / 105;
                tax = total - sales;
            }
        }
        draft.sales_amount = sales.to_string();
        draft.tax_amount = Some(tax.to_string());
        draft.total_amount = total.to_string();
        let invoice = Invoice::new(draft)
            .map_err(|e| anyhow::anyhow!("the generator made an invalid invoice: {e}"))?;
        Ok(Some(invoice))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::jsonl::{self, JsonInvoice};
    use crate::ingest::Record;
    use std::collections::HashSet;

    fn plan(invoices: u64, seed: u64) -> Plan {
        let last = Period::parse("11410").unwrap();
        Plan {
            invoices,
            seed,
            users: 50,
            periods: 3,
            last,
            not_after: None,
        }
    }

    #[test]
    fn every_invoice_passes_the_importer_and_numbers_are_unique() {
        let mut generator = Generator::new(plan(5_000, 7)).unwrap();
        let mut keys = HashSet::new();
        let mut kinds = [0; 3];
        while let Some(invoice) = generator.next_invoice().unwrap() {
            let line = serde_json::to_vec(&JsonInvoice::from(&invoice)).unwrap();
            let Ok(Record::Issue(read)) = jsonl::record(&line, 1) else {
                panic!("rejected: {}", String::from_utf8_lossy(&line));
            };
            assert_eq!(*read, invoice, "the JSONL form reads back equal");
            let h = &read.header;
            assert!(keys.insert((h.number, h.period)), "{} repeats", h.number);
            kinds[usize::from(h.carrier.is_some()) + usize::from(h.donated_to.is_some()) * 2] += 1;
        }
        assert_eq!(keys.len(), 5_000);
        assert!(
            kinds.iter().all(|&k| k > 100),
            "printed, carrier and donated all occur: {kinds:?}"
        );
    }

    #[test]
    fn nothing_is_dated_after_the_cap() {
        let cap = NaiveDate::from_ymd_opt(2025, 9, 10).unwrap();
        let plan = Plan {
            not_after: Some(cap),
            ..plan(2_000, 3)
        };
        let mut generator = Generator::new(plan).unwrap();
        let mut latest = NaiveDate::MIN;
        while let Some(invoice) = generator.next_invoice().unwrap() {
            latest = latest.max(invoice.header.date);
        }
        assert!(
            latest <= cap && latest >= cap - Duration::days(3),
            "{latest}"
        );
    }

    #[test]
    fn same_seed_same_data() {
        let take = |seed| {
            let mut g = Generator::new(plan(50, seed)).unwrap();
            std::iter::from_fn(|| g.next_invoice().unwrap()).collect::<Vec<_>>()
        };
        assert_eq!(take(1), take(1));
        assert_ne!(take(1), take(2));
    }
}
