//! The arguments of `#[weft::main(...)]` and `#[weft::test(...)]`.
//!
//! The accepted arguments, their defaults and the error messages are those of
//! `tokio-macros` 2.x, so that a Tokio program moved to weft compiles the same
//! way and fails the same way:
//!
//! | argument           | value                                   | default                    |
//! |--------------------|-----------------------------------------|----------------------------|
//! | `flavor`           | `"current_thread"`, `"multi_thread"` or `"local"` (a `LocalRuntime`) | main: multi, test: current |
//! | `worker_threads`   | integer > 0, only with `multi_thread`   | the builder's default      |
//! | `start_paused`     | bool, only with `current_thread`        | `false`                    |
//! | `name`             | string: the runtime's name              | none                       |
//! | `crate`            | string: path of the weft crate          | found in Cargo.toml        |
//! | `unhandled_panic`  | unstable in Tokio: always an error here |                            |
//!
//! Every problem is reported as a `syn::Error` spanned at the offending
//! argument, so the compiler underlines the user's attribute, not the macro.

use proc_macro2::Span;

/// The attribute's argument list: `a = "x", b = 2, c`.
pub(crate) type AttributeArgs = syn::punctuated::Punctuated<syn::Meta, syn::Token![,]>;

/// Which scheduler the generated `main` or test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    CurrentThread,
    MultiThread,
    /// A current-thread `LocalRuntime`, where `spawn_local` works.
    Local,
}

impl Flavor {
    fn parse(s: &str) -> Result<Flavor, String> {
        match s {
            "current_thread" => Ok(Flavor::CurrentThread),
            "multi_thread" => Ok(Flavor::MultiThread),
            "local" => Ok(Flavor::Local),
            "single_thread" => {
                Err("The single threaded runtime flavor is called `current_thread`.".to_string())
            }
            "basic_scheduler" => Err(
                "The `basic_scheduler` runtime flavor has been renamed to `current_thread`."
                    .to_string(),
            ),
            "threaded_scheduler" => Err(
                "The `threaded_scheduler` runtime flavor has been renamed to `multi_thread`."
                    .to_string(),
            ),
            other => Err(format!(
                "No such runtime flavor `{other}`. The runtime flavors are `current_thread`, \
                 `local`, and `multi_thread`."
            )),
        }
    }
}

/// Whether the attribute is `main` or `test`: they differ in their default
/// flavor and in the name their error messages use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntryKind {
    Main,
    Test,
}

impl EntryKind {
    fn default_flavor(self) -> Flavor {
        match self {
            EntryKind::Main => Flavor::MultiThread,
            EntryKind::Test => Flavor::CurrentThread,
        }
    }

    fn attribute_name(self) -> &'static str {
        match self {
            EntryKind::Main => "main",
            EntryKind::Test => "test",
        }
    }
}

/// The validated configuration the expansion is generated from.
pub(crate) struct Config {
    pub(crate) flavor: Flavor,
    pub(crate) worker_threads: Option<usize>,
    pub(crate) start_paused: Option<bool>,
    pub(crate) name: Option<String>,
    /// `crate = "..."` if given; otherwise the expansion looks the crate up.
    pub(crate) crate_path: Option<syn::Path>,
}

impl Config {
    /// What the expansion uses when the arguments are invalid: the function
    /// is still emitted (next to the error) so that IDEs keep working on it.
    pub(crate) fn fallback(kind: EntryKind) -> Config {
        Config {
            flavor: kind.default_flavor(),
            worker_threads: None,
            start_paused: None,
            name: None,
            crate_path: None,
        }
    }
}

/// Arguments as written, each with the span to blame if it is rejected.
struct RawArgs {
    kind: EntryKind,
    /// False when weft is built without its `rt-multi-thread` feature.
    multi_thread_available: bool,
    /// Used in messages: `weft::main`, or `tokio::main` when the crate is
    /// known under that name.
    macro_name: String,
    flavor: Option<(Flavor, Span)>,
    worker_threads: Option<(usize, Span)>,
    start_paused: Option<(bool, Span)>,
    name: Option<(String, Span)>,
    crate_path: Option<(syn::Path, Span)>,
}

const EXPECTED: &str = "expected one of: `flavor`, `worker_threads`, `start_paused`, `crate`, \
                        `unhandled_panic`, `name`.";

/// Parses and validates the arguments. `crate_name` is the name the weft crate
/// is known by in the user's crate, for error messages only.
pub(crate) fn build(
    kind: EntryKind,
    args: AttributeArgs,
    crate_name: &str,
    multi_thread_available: bool,
) -> Result<Config, syn::Error> {
    let mut raw = RawArgs {
        kind,
        multi_thread_available,
        macro_name: format!("{crate_name}::{}", kind.attribute_name()),
        flavor: None,
        worker_threads: None,
        start_paused: None,
        name: None,
        crate_path: None,
    };
    for arg in args {
        match arg {
            syn::Meta::NameValue(nv) => raw.set(&nv)?,
            syn::Meta::Path(path) => return Err(raw.bare_path_error(&path)),
            other => {
                return Err(syn::Error::new_spanned(
                    other,
                    "Unknown attribute inside the macro",
                ))
            }
        }
    }
    raw.validate()
}

impl RawArgs {
    fn set(&mut self, nv: &syn::MetaNameValue) -> Result<(), syn::Error> {
        let ident = nv
            .path
            .get_ident()
            .ok_or_else(|| syn::Error::new_spanned(nv, "Must have specified ident"))?
            .to_string()
            .to_lowercase();
        let lit = match &nv.value {
            syn::Expr::Lit(syn::ExprLit { lit, .. }) => lit,
            expr => return Err(syn::Error::new_spanned(expr, "Must be a literal")),
        };
        let span = lit.span();
        let twice = |field: &str| syn::Error::new(span, format!("`{field}` set multiple times."));
        match ident.as_str() {
            "flavor" => {
                if self.flavor.is_some() {
                    return Err(twice("flavor"));
                }
                let s = lit_str(lit, "flavor")?;
                let flavor = Flavor::parse(&s).map_err(|msg| syn::Error::new(span, msg))?;
                self.flavor = Some((flavor, span));
            }
            "worker_threads" => {
                if self.worker_threads.is_some() {
                    return Err(twice("worker_threads"));
                }
                let n = lit_usize(lit, "worker_threads")?;
                if n == 0 {
                    return Err(syn::Error::new(span, "`worker_threads` may not be 0."));
                }
                self.worker_threads = Some((n, span));
            }
            "start_paused" => {
                if self.start_paused.is_some() {
                    return Err(twice("start_paused"));
                }
                self.start_paused = Some((lit_bool(lit, "start_paused")?, span));
            }
            "name" => {
                if self.name.is_some() {
                    return Err(twice("name"));
                }
                self.name = Some((lit_str(lit, "name")?, span));
            }
            "crate" => {
                if self.crate_path.is_some() {
                    return Err(twice("crate"));
                }
                self.crate_path = Some((lit_path(lit, "crate")?, span));
            }
            "unhandled_panic" => {
                // Tokio only accepts it under `--cfg tokio_unstable`, and the
                // conformance target is Tokio's stable API.
                return Err(syn::Error::new_spanned(
                    nv,
                    "The `unhandled_panic` option is unstable in Tokio (it requires \
                     `tokio_unstable`) and is not available in weft.",
                ));
            }
            "core_threads" => {
                return Err(syn::Error::new_spanned(
                    nv,
                    "Attribute `core_threads` is renamed to `worker_threads`",
                ));
            }
            other => {
                return Err(syn::Error::new_spanned(
                    nv,
                    format!("Unknown attribute {other} is specified; {EXPECTED}"),
                ));
            }
        }
        Ok(())
    }

    /// The error for an argument written without `= value`.
    fn bare_path_error(&self, path: &syn::Path) -> syn::Error {
        let Some(ident) = path.get_ident() else {
            return syn::Error::new_spanned(path, "Must have specified ident");
        };
        let name = ident.to_string().to_lowercase();
        let macro_name = &self.macro_name;
        let msg = match name.as_str() {
            "threaded_scheduler" | "multi_thread" => {
                format!("Set the runtime flavor with #[{macro_name}(flavor = \"multi_thread\")].")
            }
            "basic_scheduler" | "current_thread" | "single_threaded" => {
                format!("Set the runtime flavor with #[{macro_name}(flavor = \"current_thread\")].")
            }
            "flavor" | "worker_threads" | "start_paused" | "crate" | "unhandled_panic" | "name" => {
                format!("The `{name}` attribute requires an argument.")
            }
            other => format!("Unknown attribute {other} is specified; {EXPECTED}"),
        };
        syn::Error::new_spanned(path, msg)
    }

    /// Checks the combinations: `worker_threads` needs the multi-thread
    /// flavor, `start_paused` the current-thread one.
    fn validate(self) -> Result<Config, syn::Error> {
        let flavor = self
            .flavor
            .map_or(self.kind.default_flavor(), |(flavor, _)| flavor);
        let macro_name = &self.macro_name;
        if let (Flavor::CurrentThread | Flavor::Local, Some((_, span))) =
            (flavor, self.worker_threads)
        {
            return Err(syn::Error::new(
                span,
                format!(
                    "The `worker_threads` option requires the `multi_thread` runtime flavor. \
                     Use `#[{macro_name}(flavor = \"multi_thread\")]`"
                ),
            ));
        }
        if flavor == Flavor::MultiThread && !self.multi_thread_available {
            let msg = if self.flavor.is_none() {
                "The default runtime flavor is `multi_thread`, but the `rt-multi-thread` feature \
                 is disabled."
            } else {
                "The runtime flavor `multi_thread` requires the `rt-multi-thread` feature."
            };
            return Err(syn::Error::new(Span::call_site(), msg));
        }
        if let (Flavor::MultiThread, Some((_, span))) = (flavor, self.start_paused) {
            return Err(syn::Error::new(
                span,
                format!(
                    "The `start_paused` option requires the `current_thread` runtime flavor. \
                     Use `#[{macro_name}(flavor = \"current_thread\")]`"
                ),
            ));
        }
        Ok(Config {
            flavor,
            worker_threads: self.worker_threads.map(|(n, _)| n),
            start_paused: self.start_paused.map(|(b, _)| b),
            name: self.name.map(|(n, _)| n),
            crate_path: self.crate_path.map(|(p, _)| p),
        })
    }
}

fn lit_str(lit: &syn::Lit, field: &str) -> Result<String, syn::Error> {
    match lit {
        syn::Lit::Str(s) => Ok(s.value()),
        syn::Lit::Verbatim(v) => Ok(v.to_string()),
        _ => Err(syn::Error::new(
            lit.span(),
            format!("Failed to parse value of `{field}` as string."),
        )),
    }
}

fn lit_usize(lit: &syn::Lit, field: &str) -> Result<usize, syn::Error> {
    match lit {
        syn::Lit::Int(int) => int.base10_parse::<usize>().map_err(|e| {
            syn::Error::new(
                lit.span(),
                format!("Failed to parse value of `{field}` as integer: {e}"),
            )
        }),
        _ => Err(syn::Error::new(
            lit.span(),
            format!("Failed to parse value of `{field}` as integer."),
        )),
    }
}

fn lit_bool(lit: &syn::Lit, field: &str) -> Result<bool, syn::Error> {
    match lit {
        syn::Lit::Bool(b) => Ok(b.value),
        _ => Err(syn::Error::new(
            lit.span(),
            format!("Failed to parse value of `{field}` as bool."),
        )),
    }
}

fn lit_path(lit: &syn::Lit, field: &str) -> Result<syn::Path, syn::Error> {
    match lit {
        syn::Lit::Str(s) => s.parse::<syn::Path>().map_err(|_| {
            syn::Error::new(
                lit.span(),
                format!(
                    "Failed to parse value of `{field}` as path: \"{}\"",
                    s.value()
                ),
            )
        }),
        _ => Err(syn::Error::new(
            lit.span(),
            format!("Failed to parse value of `{field}` as path."),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse::Parser;

    fn build_from(kind: EntryKind, args: &str, multi_thread: bool) -> Result<Config, String> {
        let args = AttributeArgs::parse_terminated
            .parse_str(args)
            .map_err(|e| e.to_string())?;
        build(kind, args, "weft", multi_thread).map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_differ_between_main_and_test() {
        let main = build_from(EntryKind::Main, "", true).unwrap();
        assert_eq!(main.flavor, Flavor::MultiThread);
        let test = build_from(EntryKind::Test, "", true).unwrap();
        assert_eq!(test.flavor, Flavor::CurrentThread);
        assert!(test.worker_threads.is_none() && test.start_paused.is_none());
    }

    #[test]
    fn all_arguments_are_kept() {
        let c = build_from(
            EntryKind::Main,
            r#"flavor = "multi_thread", worker_threads = 3, name = "n", crate = "::x::y""#,
            true,
        )
        .unwrap();
        assert_eq!(c.worker_threads, Some(3));
        assert_eq!(c.name.as_deref(), Some("n"));
        let path = c.crate_path.unwrap();
        assert_eq!(quote::quote!(#path).to_string(), ":: x :: y");

        let c = build_from(EntryKind::Test, "start_paused = true", true).unwrap();
        assert_eq!(c.start_paused, Some(true));
    }

    #[test]
    fn argument_names_are_case_insensitive_like_tokio() {
        let c = build_from(EntryKind::Test, r#"FLAVOR = "multi_thread""#, true).unwrap();
        assert_eq!(c.flavor, Flavor::MultiThread);
    }

    #[test]
    fn multi_thread_needs_the_feature() {
        let err = build_from(EntryKind::Main, "", false).err().unwrap();
        assert!(
            err.contains("default runtime flavor is `multi_thread`"),
            "{err}"
        );
        let err = build_from(EntryKind::Test, r#"flavor = "multi_thread""#, false)
            .err()
            .unwrap();
        assert!(
            err.contains("requires the `rt-multi-thread` feature"),
            "{err}"
        );
        assert!(build_from(EntryKind::Main, r#"flavor = "current_thread""#, false).is_ok());
    }

    #[test]
    fn messages_name_the_macro_as_the_crate_is_known() {
        let args = AttributeArgs::parse_terminated
            .parse_str("worker_threads = 2")
            .unwrap();
        let err = build(EntryKind::Test, args, "tokio", true).err().unwrap();
        assert!(err.to_string().contains("#[tokio::test(flavor"), "{err}");
    }
}
