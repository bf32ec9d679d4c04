//! Sets `cfg(weft_<primitive>)` for each primitive weft's source already
//! exports, so the benchmarks of a primitive light up on their own when it
//! lands, and the bench crate compiles (with any feature set) before that.
//!
//! The probe reads weft's module files, splits them into statements, and looks
//! for a `pub mod <name>` or a `pub use` that names the item. It is a text
//! probe, deliberately simple: if weft moves an item, update the table.

use std::path::Path;

/// (cfg name, file under weft/src, what to look for). A cfg listed more than
/// once is set only when every one of its probes finds its item.
const PROBES: &[(&str, &str, Probe)] = &[
    ("weft_oneshot", "sync/mod.rs", Probe::Module("oneshot")),
    ("weft_mpsc", "sync/mod.rs", Probe::Module("mpsc")),
    ("weft_mutex", "sync/mod.rs", Probe::Export("Mutex")),
    ("weft_semaphore", "sync/mod.rs", Probe::Export("Semaphore")),
    ("weft_time", "time/mod.rs", Probe::Export("sleep")),
    ("weft_joinset", "task/mod.rs", Probe::Export("JoinSet")),
    // TCP needs both the sockets and the read/write extension traits.
    ("weft_net", "lib.rs", Probe::Module("net")),
    ("weft_net", "net/mod.rs", Probe::Export("TcpStream")),
    ("weft_net", "io/mod.rs", Probe::Export("AsyncReadExt")),
    ("weft_net", "io/mod.rs", Probe::Export("AsyncWriteExt")),
];

#[derive(Clone, Copy)]
enum Probe {
    /// `pub mod name;`
    Module(&'static str),
    /// `pub use ...name...;` naming the item as a whole identifier.
    Export(&'static str),
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn names(statement: &str, ident: &str) -> bool {
    statement.match_indices(ident).any(|(at, _)| {
        let before = statement[..at].chars().next_back();
        let after = statement[at + ident.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

fn found(source: &str, probe: Probe) -> bool {
    // Drop line comments, then split into statements.
    let code: String = source
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    code.split([';', '{', '}'].as_ref())
        .map(str::trim)
        .any(|stmt| {
            // Skip attributes in front of the item.
            let item = stmt.rsplit(']').next().unwrap_or(stmt).trim();
            match probe {
                Probe::Module(name) => {
                    item.split_whitespace().collect::<Vec<_>>() == ["pub", "mod", name]
                }
                Probe::Export(_) => false,
            }
        })
        || match probe {
            Probe::Export(name) => code
                .split(';')
                .map(|s| s.rsplit(']').next().unwrap_or(s).trim())
                .any(|s| s.starts_with("pub use") && names(s, name)),
            Probe::Module(_) => false,
        }
}

fn main() {
    let weft_src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../weft/src");
    let mut cfgs: Vec<(&str, bool)> = Vec::new();
    for (cfg, file, probe) in PROBES {
        let path = weft_src.join(file);
        println!("cargo::rerun-if-changed={}", path.display());
        let hit = std::fs::read_to_string(&path).is_ok_and(|s| found(&s, *probe));
        match cfgs.iter_mut().find(|(name, _)| name == cfg) {
            Some((_, all)) => *all &= hit,
            None => cfgs.push((cfg, hit)),
        }
    }
    for (cfg, all) in cfgs {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        if all {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}
