//! Deterministic, seeded generator of large invented rosters for benchmarks and
//! the scale test: N-row `delegates` and `society_council` CSV files with the
//! columns a real export has, Chinese names, mixed date and yes/no spellings,
//! and a known share of front-line, young and unknown members.
//!
//! ALL DATA IS INVENTED: names are random combinations of common surnames and
//! given-name characters; units are made up.
//!
//! The generator decides each row's truth first (front-line yes/no/unknown,
//! young yes/no/unknown on `as_of`) and then writes cells that mean it, so it
//! can report the exact counts `reformcheck check` must find. Ages are worked
//! out here independently of the crate (周岁: N is reached the day after the
//! Nth birthday; 29 February falls on 28 February in common years).
//!
//! Included with `#[path]` by `examples/gendata.rs`, `tests/scale.rs` and the
//! criterion benches, so each uses only part of it.
#![allow(dead_code)]

use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// SplitMix64: tiny, fast, and its output never changes with a crate update.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n < 2^32; the bias is below 2^-32).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// True with probability `per_million` / 1,000,000.
    pub fn chance(&mut self, per_million: u32) -> bool {
        self.below(1_000_000) < per_million as usize
    }

    pub fn pick<'a, T: ?Sized>(&mut self, xs: &[&'a T]) -> &'a T {
        xs[self.below(xs.len())]
    }
}

/// What to generate. Shares are in parts per million of rows.
#[derive(Clone, Debug)]
pub struct Config {
    pub rows: u64,
    pub seed: u64,
    /// Reference date the ages are true on (pass the same `--as-of`).
    pub as_of: NaiveDate,
    /// Rows certainly front-line / of unknown front-line status.
    pub frontline: u32,
    pub frontline_unknown: u32,
    /// Rows certainly young (delegates: 45 or younger; council: 50 or younger)
    /// / of unknown age (empty cell, or a month-only date on the boundary).
    pub young: u32,
    pub young_unknown: u32,
    /// Council rows that are standing members / whose standing cell is empty.
    pub standing: u32,
    pub standing_unknown: u32,
    /// Number of societies council rows are spread over.
    pub societies: usize,
}

impl Config {
    /// 72% front-line, 36% young, about 0.5% unknown of each: realistic
    /// rosters that pass, with a few cells to fix.
    pub fn new(rows: u64, seed: u64) -> Config {
        Config {
            rows,
            seed,
            as_of: NaiveDate::from_ymd_opt(2025, 6, 30).expect("valid date"),
            frontline: 720_000,
            frontline_unknown: 5_000,
            young: 360_000,
            young_unknown: 5_000,
            standing: 300_000,
            standing_unknown: 2_000,
            societies: 120,
        }
    }
}

/// Counts of a share measure: rows certainly in scope whose condition is
/// true / false / unknown, and rows whose scope is unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Share {
    pub yes: u64,
    pub no: u64,
    pub unknown: u64,
    pub scope_unknown: u64,
}

impl Share {
    fn add(&mut self, t: Truth) {
        match t {
            Truth::Yes => self.yes += 1,
            Truth::No => self.no += 1,
            Truth::Unknown => self.unknown += 1,
        }
    }

    /// The result's exact numerator, denominator and unknown count.
    pub fn expected(&self) -> (u64, u64, u64) {
        (
            self.yes,
            self.yes + self.no + self.unknown,
            self.unknown + self.scope_unknown,
        )
    }
}

/// What `generate_delegates` wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct DelegateCounts {
    pub rows: u64,
    pub bytes: u64,
    pub frontline: Share,
    /// Aged 45 or younger on `as_of`.
    pub youth: Share,
    /// Data issues `reformcheck` must report (one per unknown cell).
    pub issues: u64,
}

/// What `generate_council` wrote, per society.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct CouncilCounts {
    pub rows: u64,
    pub bytes: u64,
    pub issues: u64,
    pub societies: BTreeMap<String, SocietyCounts>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SocietyCounts {
    pub frontline: Share,
    pub standing_frontline: Share,
    /// Aged 50 or younger on `as_of` (the pack's 中青年).
    pub young_middle: Share,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Truth {
    Yes,
    No,
    Unknown,
}

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程\
苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严戴孔汤缪仇储";
const GIVEN: &str =
    "志明华伟军平海晓红玉秀英芳丽静敏燕霞峰磊涛斌强鹏杰超勇宁波辉俊健林文洁婷雪琳颖欣宇浩凯\
鑫睿晨蕾瑶璐佳嘉泽航翔雯倩岚彬昊楠怡菁逸铭诚舟润澄亮荣云飞春桂兰梅琴秋锋毅坤";
const TOWNS_SHORT: &[&str] = &["泰州", "海陵", "高港", "姜堰", "兴化", "靖江", "泰兴"];
const PLACES: &[&str] = &[
    "泰州市",
    "海陵区",
    "高港区",
    "姜堰区",
    "兴化市",
    "靖江市",
    "泰兴市",
];
const COMPANY_WORDS: &[&str] = &[
    "华泽智能装备",
    "科捷船舶重工",
    "扬子江药业",
    "新源电气",
    "润达化工",
    "恒信精密机械",
    "金泰电子",
    "瑞康生物",
    "中远船务",
    "天合光电",
    "长江特钢",
    "苏中农业科技",
];
const UNIVERSITIES: &[&str] = &[
    "泰州学院",
    "南京理工大学泰州科技学院",
    "泰州职业技术学院",
    "江苏农牧科技职业学院",
];
const INSTITUTES: &[&str] = &[
    "农业技术研究所",
    "船舶工程研究院",
    "生物医药研究院",
    "农业科学研究院",
];
const TOWNS: &[&str] = &[
    "溱潼镇",
    "沈高镇",
    "戴南镇",
    "黄桥镇",
    "城东街道",
    "刁铺街道",
];
const SOCIAL: &[&str] = &["科技服务协会", "青年科技工作者协会", "农村专业技术协会"];
const AGENCIES: &[&str] = &[
    "科学技术局",
    "农业农村局",
    "工业和信息化局",
    "卫生健康委员会",
];
const HOSPITALS: &[&str] = &["人民医院", "中医院", "仁和医院", "妇幼保健院"];
const SCHOOLS: &[&str] = &["第一中学", "实验小学", "第二中学"];
const NATIONS: &[&str] = &[
    "汉族",
    "汉族",
    "汉族",
    "汉族",
    "汉族",
    "汉族",
    "回族",
    "满族",
    "蒙古族",
];
const PARTIES: &[&str] = &[
    "中共党员",
    "中共党员",
    "群众",
    "九三学社社员",
    "民盟盟员",
    "农工党党员",
    "无党派人士",
];
const DEGREES: &[&str] = &["博士研究生", "硕士研究生", "大学本科", "大学本科", "大专"];
const TITLES: &[&str] = &[
    "正高级工程师",
    "高级工程师",
    "工程师",
    "研究员",
    "副研究员",
    "教授",
    "副教授",
    "主任医师",
    "高级农艺师",
    "农艺师",
];
const FIELDS: &[&str] = &[
    "机械工程",
    "电机工程",
    "化工",
    "医学",
    "药学",
    "农学",
    "计算机",
    "船舶工程",
    "电子",
    "土木建筑",
    "水利",
    "环境科学",
    "园艺",
    "畜牧兽医",
    "林学",
    "气象",
    "地理",
    "测绘",
    "心理",
    "营养",
    "中医药",
    "护理",
    "生物医药",
    "食品科学",
    "光伏",
    "新材料",
    "物联网",
    "人工智能",
    "统计",
    "档案",
];

/// Unit types and whether the pack derives front-line from them (None: neither list).
const FRONTLINE_TYPES: &[&str] = &[
    "企业",
    "企业",
    "企业",
    "高校",
    "科研院所",
    "乡镇（街道）",
    "社会组织",
];
const OTHER_TYPES: &[&str] = &["医院", "中小学"];
const ANY_TYPES: &[&str] = &[
    "企业",
    "企业",
    "高校",
    "科研院所",
    "乡镇（街道）",
    "社会组织",
    "医院",
    "中小学",
];

/// A CSV writer that counts the bytes it wrote.
struct Writer<W: Write> {
    out: W,
    bytes: u64,
    line: String,
}

impl<W: Write> Writer<W> {
    fn emit(&mut self) -> io::Result<()> {
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())?;
        self.bytes += self.line.len() as u64;
        self.line.clear();
        Ok(())
    }
}

fn push_char(s: &mut String, chars: &str, rng: &mut Rng) {
    let n = chars.chars().count();
    s.push(chars.chars().nth(rng.below(n)).unwrap_or('王'));
}

fn name(rng: &mut Rng, s: &mut String) {
    push_char(s, SURNAMES, rng);
    push_char(s, GIVEN, rng);
    if rng.below(10) < 8 {
        push_char(s, GIVEN, rng);
    }
}

/// 周岁 on `on` of someone born on `b`.
fn age_on(b: NaiveDate, on: NaiveDate) -> i32 {
    let leap = NaiveDate::from_ymd_opt(on.year(), 2, 29).is_some();
    let birthday = if b.month() == 2 && b.day() == 29 && !leap {
        (2, 28)
    } else {
        (b.month(), b.day())
    };
    let mut age = on.year() - b.year();
    if (on.month(), on.day()) <= birthday {
        age -= 1;
    }
    age
}

fn days_in_month(y: i32, m: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|&d| NaiveDate::from_ymd_opt(y, m, d).is_some())
        .unwrap_or(28)
}

/// Is "aged `limit` or younger" true, false or unknown for a birth date that
/// may lack its day?
fn young_truth(y: i32, m: u32, d: Option<u32>, as_of: NaiveDate, limit: i32) -> Truth {
    let days: Vec<u32> = match d {
        Some(d) => vec![d],
        None => (1..=days_in_month(y, m)).collect(),
    };
    let young: Vec<bool> = days
        .iter()
        .map(|&d| age_on(NaiveDate::from_ymd_opt(y, m, d).expect("valid day"), as_of) <= limit)
        .collect();
    if young.iter().all(|&b| b) {
        Truth::Yes
    } else if young.iter().all(|&b| !b) {
        Truth::No
    } else {
        Truth::Unknown
    }
}

/// Writes a birth date cell meaning `want` for "aged `limit` or younger",
/// in one of the spellings offices use. Returns what it means (an unknown is
/// an empty cell or an undecidable month-only date: one data issue each).
fn birth_date(rng: &mut Rng, want: Truth, as_of: NaiveDate, limit: i32, s: &mut String) {
    if want == Truth::Unknown {
        // A month-only date in the month of the boundary birthday, when that
        // month straddles it; otherwise an empty cell.
        let (y, m) = (as_of.year() - limit - 1, as_of.month());
        if rng.below(2) == 0 && young_truth(y, m, None, as_of, limit) == Truth::Unknown {
            s.push_str(&format!("{y}年{m}月"));
        }
        return;
    }
    loop {
        let (lo, hi) = match want {
            Truth::Yes => (limit + 1, 22),
            _ => (limit + 20, limit),
        };
        // Birth years from as_of.year - lo (oldest) to as_of.year - hi.
        let y = as_of.year() - lo + rng.below((lo - hi + 1) as usize) as i32;
        let m = 1 + rng.below(12) as u32;
        let d = 1 + rng.below(days_in_month(y, m) as usize) as u32;
        let style = rng.below(100);
        let month_only = style >= 95;
        let day = (!month_only).then_some(d);
        if young_truth(y, m, day, as_of, limit) != want {
            continue;
        }
        match style {
            0..=59 => s.push_str(&format!("{y}-{m:02}-{d:02}")),
            60..=69 => s.push_str(&format!("{y}.{m:02}.{d:02}")),
            70..=79 => s.push_str(&format!("{y}/{m}/{d}")),
            80..=89 => s.push_str(&format!("{y}年{m}月{d}日")),
            90..=94 => s.push_str(&format!("{y}{m:02}{d:02}")),
            95..=97 => s.push_str(&format!("{y}.{m:02}")),
            _ => s.push_str(&format!("{y}年{m}月")),
        }
        return;
    }
}

fn draw(rng: &mut Rng, yes: u32, unknown: u32) -> Truth {
    let x = rng.below(1_000_000) as u32;
    if x < unknown {
        Truth::Unknown
    } else if x < unknown + yes {
        Truth::Yes
    } else {
        Truth::No
    }
}

fn yes_cell(rng: &mut Rng) -> &'static str {
    ["是", "是", "是", "是", "是", "是", "Y", "√", "1", "是"][rng.below(10)]
}

fn no_cell(rng: &mut Rng) -> &'static str {
    ["否", "否", "否", "否", "否", "否", "N", "×", "0", "否"][rng.below(10)]
}

fn unit(rng: &mut Rng, kind: &str, s: &mut String) {
    let place = rng.pick(PLACES);
    match kind {
        "企业" => {
            s.push_str(rng.pick(TOWNS_SHORT));
            s.push_str(rng.pick(COMPANY_WORDS));
            s.push_str("有限公司");
        }
        "高校" => s.push_str(rng.pick(UNIVERSITIES)),
        "科研院所" | "社会组织" | "党政机关" | "医院" => {
            s.push_str(place);
            s.push_str(rng.pick(match kind {
                "科研院所" => INSTITUTES,
                "社会组织" => SOCIAL,
                "党政机关" => AGENCIES,
                _ => HOSPITALS,
            }));
        }
        "乡镇（街道）" => {
            s.push_str(rng.pick(TOWNS));
            s.push_str("人民政府");
        }
        _ => {
            s.push_str(place);
            s.push_str(rng.pick(SCHOOLS));
        }
    }
}

pub const DELEGATES_HEADER: &str =
    "序号,姓名,性别,民族,出生日期,政治面貌,学历,职称,工作单位,单位类型,是否基层一线";

/// Writes `cfg.rows` delegates (header first) and returns what they hold.
/// Front-line is the explicit 是否基层一线 cell when filled, else derived
/// from 单位类型, as the pack says.
pub fn generate_delegates(cfg: &Config, out: impl Write) -> io::Result<DelegateCounts> {
    let mut rng = Rng::new(cfg.seed);
    let mut w = Writer {
        out,
        bytes: 0,
        line: String::with_capacity(256),
    };
    let mut counts = DelegateCounts::default();
    w.line.push_str(DELEGATES_HEADER);
    w.emit()?;
    for i in 1..=cfg.rows {
        let front = draw(&mut rng, cfg.frontline, cfg.frontline_unknown);
        let young = draw(&mut rng, cfg.young, cfg.young_unknown);
        // (单位类型, 是否基层一线) meaning `front`.
        let (kind, flag): (&str, &str) = match front {
            Truth::Yes if rng.below(10) < 7 => (rng.pick(FRONTLINE_TYPES), ""),
            Truth::Yes => (rng.pick(ANY_TYPES), yes_cell(&mut rng)),
            Truth::No if rng.below(10) < 6 => ("党政机关", ""),
            Truth::No => (
                rng.pick(&["党政机关", "医院", "中小学", "企业"]),
                no_cell(&mut rng),
            ),
            // Unknown: neither list, an empty type, or an unreadable flag.
            Truth::Unknown => match rng.below(3) {
                0 => (rng.pick(OTHER_TYPES), ""),
                1 => ("", ""),
                _ => (rng.pick(FRONTLINE_TYPES), "待定"),
            },
        };
        counts.frontline.add(front);
        counts.youth.add(young);
        counts.issues += u64::from(front == Truth::Unknown) + u64::from(young == Truth::Unknown);
        let s = &mut w.line;
        s.push_str(&i.to_string());
        s.push(',');
        name(&mut rng, s);
        s.push(',');
        s.push_str(if rng.below(10) < 6 { "男" } else { "女" });
        s.push(',');
        s.push_str(rng.pick(NATIONS));
        s.push(',');
        birth_date(&mut rng, young, cfg.as_of, 45, s);
        s.push(',');
        s.push_str(rng.pick(PARTIES));
        s.push(',');
        s.push_str(rng.pick(DEGREES));
        s.push(',');
        s.push_str(rng.pick(TITLES));
        s.push(',');
        let unit_kind = if kind.is_empty() { "企业" } else { kind };
        unit(&mut rng, unit_kind, s);
        s.push(',');
        s.push_str(kind);
        s.push(',');
        s.push_str(flag);
        w.emit()?;
    }
    counts.rows = cfg.rows;
    counts.bytes = w.bytes;
    w.out.flush()?;
    Ok(counts)
}

/// The societies' names: 泰州市 + field + 学会, numbered when fields run out.
pub fn society_names(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let field = FIELDS[i % FIELDS.len()];
            match i / FIELDS.len() {
                0 => format!("泰州市{field}学会"),
                k => format!("泰州市{field}学会（第{}分会）", k + 1),
            }
        })
        .collect()
}

pub const COUNCIL_HEADER: &str =
    "学会名称,姓名,性别,出生日期,职称,工作单位,是否基层一线,是否常务理事";

/// Writes `cfg.rows` society council members spread over `cfg.societies`
/// societies and returns what each society holds.
pub fn generate_council(cfg: &Config, out: impl Write) -> io::Result<CouncilCounts> {
    let mut rng = Rng::new(cfg.seed ^ 0x5EED_C0C1);
    let names = society_names(cfg.societies.max(1));
    let mut w = Writer {
        out,
        bytes: 0,
        line: String::with_capacity(256),
    };
    let mut counts = CouncilCounts::default();
    for n in &names {
        counts.societies.insert(n.clone(), SocietyCounts::default());
    }
    w.line.push_str(COUNCIL_HEADER);
    w.emit()?;
    // Societies differ: each one's front-line and young shares are shifted by
    // up to ±15 points, so some pass and some fail.
    let shift = |i: usize, base: u32| {
        let offset = (i * 7919 % 300_001) as i64 - 150_000;
        (i64::from(base) + offset).clamp(0, 990_000) as u32
    };
    for _ in 0..cfg.rows {
        let i = rng.below(names.len());
        let society = &names[i];
        let front = draw(&mut rng, shift(i, cfg.frontline), cfg.frontline_unknown);
        let young = draw(&mut rng, shift(i + 3, cfg.young), cfg.young_unknown);
        let standing = draw(&mut rng, cfg.standing, cfg.standing_unknown);
        let c = counts.societies.get_mut(society).expect("society listed");
        c.frontline.add(front);
        c.young_middle.add(young);
        match standing {
            Truth::Yes => c.standing_frontline.add(front),
            Truth::Unknown => c.standing_frontline.scope_unknown += 1,
            Truth::No => {}
        }
        counts.issues += [front, young, standing]
            .iter()
            .filter(|t| **t == Truth::Unknown)
            .count() as u64;
        let s = &mut w.line;
        s.push_str(society);
        s.push(',');
        name(&mut rng, s);
        s.push(',');
        s.push_str(if rng.below(10) < 6 { "男" } else { "女" });
        s.push(',');
        birth_date(&mut rng, young, cfg.as_of, 50, s);
        s.push(',');
        s.push_str(rng.pick(TITLES));
        s.push(',');
        let kind = rng.pick(&["企业", "高校", "科研院所", "医院", "党政机关"]);
        unit(&mut rng, kind, s);
        s.push(',');
        s.push_str(match front {
            Truth::Yes => yes_cell(&mut rng),
            Truth::No => no_cell(&mut rng),
            Truth::Unknown if rng.below(2) == 0 => "",
            Truth::Unknown => "不详",
        });
        s.push(',');
        s.push_str(match standing {
            Truth::Yes => yes_cell(&mut rng),
            Truth::No => no_cell(&mut rng),
            Truth::Unknown => "",
        });
        w.emit()?;
    }
    counts.rows = cfg.rows;
    counts.bytes = w.bytes;
    w.out.flush()?;
    Ok(counts)
}
