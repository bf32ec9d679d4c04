//! Expansion of `#[weft::main]` and `#[weft::test]`.
//!
//! ```text
//! #[weft::main(flavor = "current_thread")]      fn main() -> R {
//! async fn main() -> R {                  ==>       let body = async { BODY };
//!     BODY                                          return <weft>::runtime::Builder::new_current_thread()
//! }                                                     .enable_all().build()
//!                                                       .expect("Failed building the Runtime")
//!                                                       .block_on(body);
//!                                               }
//! ```
//!
//! Steps, and why each looks the way it does:
//!
//! 1. The function is split without parsing its body: attributes, signature,
//!    and the body's tokens as written. The body is never re-printed through
//!    syn, so every token keeps its span and errors inside it point at the
//!    user's code.
//! 2. The arguments are validated ([`crate::config`]). On any error the function
//!    is still emitted (with the default configuration) next to the error, so
//!    that the rest of the crate type-checks and IDEs keep working.
//! 3. The runtime-building tail is spanned at the function's last statement: a
//!    return type that does not match what the body produces is then reported
//!    there, and a `#[track_caller]` panic inside `block_on` names the user's
//!    line rather than the attribute.
//! 4. For tests the body is pinned on the stack and used as
//!    `Pin<&mut dyn Future>`, so that every test shares one instantiation of
//!    `Runtime::block_on`: a crate with hundreds of tests compiles faster.
//!    `main` runs once, so it keeps the concrete type.
//! 5. weft re-exports `main`/`test` when built with `rt-multi-thread`, and
//!    `main_rt`/`test_rt` under those names without it; the latter reject
//!    the multi-thread flavor with Tokio's message instead of failing to
//!    find `Builder::new_multi_thread`.
//! 6. The path of the weft crate comes from `crate = "..."`, else from the
//!    user's Cargo.toml (proc-macro-crate), so that a renamed dependency
//!    (`tokio = { package = "weft" }`) works without naming it.

use crate::config::{self, AttributeArgs, Config, EntryKind, Flavor};
use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::parse::{Parse, ParseStream, Parser};
use syn::{braced, Attribute, Signature, Visibility};

/// `#[weft::main]`.
pub(crate) fn main(args: TokenStream, item: TokenStream, multi_thread: bool) -> TokenStream {
    let input: EntryFn = match syn::parse2(item.clone()) {
        Ok(input) => input,
        Err(e) => return with_error(item, e),
    };
    let crate_ref = CrateRef::find();
    let config = if input.sig.ident == "main" && !input.sig.inputs.is_empty() {
        Err(syn::Error::new_spanned(
            &input.sig.ident,
            "the main function cannot accept arguments",
        ))
    } else {
        parse_config(&input, EntryKind::Main, args, &crate_ref, multi_thread)
    };
    expand_or_error(input, EntryKind::Main, config, crate_ref)
}

/// `#[weft::test]`.
pub(crate) fn test(args: TokenStream, item: TokenStream, multi_thread: bool) -> TokenStream {
    let input: EntryFn = match syn::parse2(item.clone()) {
        Ok(input) => input,
        Err(e) => return with_error(item, e),
    };
    let crate_ref = CrateRef::find();
    let config = if let Some(attr) = input.attrs().find(|a| is_test_attribute(a)) {
        Err(syn::Error::new_spanned(
            attr,
            "second test attribute is supplied, consider removing or changing the order of \
             your test attributes",
        ))
    } else {
        parse_config(&input, EntryKind::Test, args, &crate_ref, multi_thread)
    };
    expand_or_error(input, EntryKind::Test, config, crate_ref)
}

fn parse_config(
    input: &EntryFn,
    kind: EntryKind,
    args: TokenStream,
    crate_ref: &CrateRef,
    multi_thread: bool,
) -> Result<Config, syn::Error> {
    if input.sig.asyncness.is_none() {
        return Err(syn::Error::new_spanned(
            input.sig.fn_token,
            "the `async` keyword is missing from the function declaration",
        ));
    }
    let args = AttributeArgs::parse_terminated.parse2(args)?;
    let crate_name = crate_ref.display_name(&args_crate_hint(&args));
    config::build(kind, args, &crate_name, multi_thread)
}

/// The `crate = "..."` argument's text, if present, so that error messages can
/// name the macro as the user wrote it.
fn args_crate_hint(args: &AttributeArgs) -> Option<String> {
    args.iter().find_map(|arg| match arg {
        syn::Meta::NameValue(nv) if nv.path.is_ident("crate") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

fn expand_or_error(
    input: EntryFn,
    kind: EntryKind,
    config: Result<Config, syn::Error>,
    crate_ref: CrateRef,
) -> TokenStream {
    match config {
        Ok(config) => expand(input, kind, config, crate_ref),
        Err(e) => with_error(expand(input, kind, Config::fallback(kind), crate_ref), e),
    }
}

fn with_error(mut tokens: TokenStream, error: syn::Error) -> TokenStream {
    tokens.extend(error.into_compile_error());
    tokens
}

/// How the generated code names the weft crate when `crate = "..."` is absent.
enum CrateRef {
    /// Found in the user's Cargo.toml under this name (`weft`, or `tokio`
    /// for `tokio = { package = "weft" }`).
    Named(String),
    /// Not found (for example no Cargo.toml could be read): assume `weft`.
    Default,
}

impl CrateRef {
    fn find() -> CrateRef {
        CrateRef::choose(
            proc_macro_crate::crate_name("weft").ok(),
            // Only asked when no `weft` is found, so the lookup costs nothing in
            // the common case.
            || proc_macro_crate::crate_name("tokio").ok(),
        )
    }

    /// Picks the name from the lookups of `weft` and, failing that, `tokio`.
    /// A crate that depends only on a package named `tokio` which re-exports
    /// weft (a `[patch.crates-io]` facade) writes `#[tokio::main]` and has no
    /// `weft` in scope: the expansion must then say `::tokio`, as Tokio's does.
    fn choose(
        weft: Option<proc_macro_crate::FoundCrate>,
        tokio: impl FnOnce() -> Option<proc_macro_crate::FoundCrate>,
    ) -> CrateRef {
        use proc_macro_crate::FoundCrate;
        match weft {
            Some(FoundCrate::Name(name)) => CrateRef::Named(name),
            // Inside weft itself (its doc tests and examples), `::weft` resolves.
            Some(FoundCrate::Itself) => CrateRef::Default,
            None => match tokio() {
                Some(FoundCrate::Name(name)) => CrateRef::Named(name),
                // Inside the facade itself, or no Cargo.toml could be read.
                Some(FoundCrate::Itself) | None => CrateRef::Default,
            },
        }
    }

    fn name(&self) -> &str {
        match self {
            CrateRef::Named(name) => name,
            CrateRef::Default => "weft",
        }
    }

    /// The crate name used in error messages (`weft::main`, `tokio::main`).
    fn display_name(&self, explicit: &Option<String>) -> String {
        match explicit {
            Some(path) => path.trim_start_matches("::").to_string(),
            None => self.name().to_string(),
        }
    }

    /// `::name`, spanned so that a failure to resolve it is reported at `span`.
    fn path(&self, span: Span) -> TokenStream {
        let ident = syn::Ident::new(self.name(), Span::call_site().located_at(span));
        quote_spanned!(span=> ::#ident)
    }
}

fn expand(input: EntryFn, kind: EntryKind, config: Config, crate_ref: CrateRef) -> TokenStream {
    let (last_start, last_end) = input.last_statement_span();
    let krate = match &config.crate_path {
        Some(path) => path.to_token_stream(),
        None => crate_ref.path(last_start),
    };

    let mut builder = match config.flavor {
        Flavor::CurrentThread | Flavor::Local => {
            quote_spanned!(last_start=> #krate::runtime::Builder::new_current_thread())
        }
        Flavor::MultiThread => {
            quote_spanned!(last_start=> #krate::runtime::Builder::new_multi_thread())
        }
    };
    if let Some(n) = config.worker_threads {
        builder = quote_spanned!(last_start=> #builder.worker_threads(#n));
    }
    if let Some(paused) = config.start_paused {
        builder = quote_spanned!(last_start=> #builder.start_paused(#paused));
    }
    if let Some(name) = &config.name {
        builder = quote_spanned!(last_start=> #builder.name(#name));
    }

    // `body` is declared with call-site hygiene below; the tail is spanned at
    // the user's tokens, whose hygiene differs when the function itself comes
    // from a `macro_rules!` expansion. So the name is made here, not in the
    // `quote_spanned!`: it keeps the declaration's hygiene (tokio#5243) and
    // takes only the location of the last statement, where errors about it
    // are then reported.
    let body_ident = syn::Ident::new("body", Span::call_site().located_at(last_end));
    // The explicit `return` keeps `-> !` functions and clippy's
    // `semicolon_if_nothing_returned` quiet whatever the body's last statement is.
    let build = match config.flavor {
        Flavor::Local => {
            quote_spanned!(last_start=> build_local(::core::default::Default::default()))
        }
        Flavor::CurrentThread | Flavor::MultiThread => quote_spanned!(last_start=> build()),
    };
    let tail = quote_spanned! {last_end=>
        #[allow(
            clippy::expect_used,
            clippy::diverging_sub_expression,
            clippy::needless_return,
            clippy::unwrap_in_result
        )]
        {
            return #builder
                .enable_all()
                .#build
                .expect("Failed building the Runtime")
                .block_on(#body_ident);
        }
    };

    let output_type = match &input.sig.output {
        syn::ReturnType::Default => quote!(()),
        syn::ReturnType::Type(_, ty) => quote!(#ty),
    };
    let body_block = input.body_block();
    let body = match kind {
        EntryKind::Test => {
            // The coercion gives the body its output type (so `?` in it can
            // infer its conversion); spanned at the last statement, so that a
            // mismatch is reported in the user's code.
            let coerce = quote_spanned! {last_end=>
                let #body_ident: ::core::pin::Pin<
                    &mut dyn ::core::future::Future<Output = #output_type>,
                > = #body_ident;
            };
            quote! {
                let body = async #body_block;
                let body = ::core::pin::pin!(body);
                #coerce
            }
        }
        EntryKind::Main => {
            // Checks the body's output against the declared return type without
            // running anything: gives the body its output type (so `?` in it
            // can infer its conversion) and reports a mismatch at the user's
            // last statement.
            let check = match &input.sig.output {
                syn::ReturnType::Type(_, ty)
                    if matches!(**ty, syn::Type::Never(_)) || contains_impl_trait(ty) =>
                {
                    quote!()
                }
                _ => quote_spanned! {last_end=>
                    if false {
                        let _: &dyn ::core::future::Future<Output = #output_type> = &#body_ident;
                    }
                },
            };
            quote! {
                let body = async #body_block;
                let body = {
                    #check
                    body
                };
            }
        }
    };

    let generated_attrs = match kind {
        EntryKind::Test => quote!(#[::core::prelude::v1::test]),
        EntryKind::Main => quote!(),
    };
    input.into_tokens(generated_attrs, body, tail)
}

/// `impl Trait` cannot be named in the `dyn Future<Output = ...>` check.
fn contains_impl_trait(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::ImplTrait(_) => true,
        syn::Type::Array(t) => contains_impl_trait(&t.elem),
        syn::Type::Ptr(t) => contains_impl_trait(&t.elem),
        syn::Type::Reference(t) => contains_impl_trait(&t.elem),
        syn::Type::Slice(t) => contains_impl_trait(&t.elem),
        syn::Type::Paren(t) => contains_impl_trait(&t.elem),
        syn::Type::Group(t) => contains_impl_trait(&t.elem),
        syn::Type::Tuple(t) => t.elems.iter().any(contains_impl_trait),
        syn::Type::Path(t) => t.path.segments.iter().any(|seg| match &seg.arguments {
            syn::PathArguments::AngleBracketed(args) => args.args.iter().any(|arg| match arg {
                syn::GenericArgument::Type(t) => contains_impl_trait(t),
                syn::GenericArgument::AssocType(t) => contains_impl_trait(&t.ty),
                _ => false,
            }),
            syn::PathArguments::Parenthesized(args) => {
                args.inputs.iter().any(contains_impl_trait)
                    || matches!(&args.output, syn::ReturnType::Type(_, t) if contains_impl_trait(t))
            }
            syn::PathArguments::None => false,
        }),
        _ => false,
    }
}

/// `#[test]`, `#[core::prelude::*::test]` or `#[std::prelude::*::test]`
/// (with or without a leading `::`): a second test harness attribute.
fn is_test_attribute(attr: &Attribute) -> bool {
    let syn::Meta::Path(path) = &attr.meta else {
        return false;
    };
    let segments: Vec<String> = path
        .segments
        .iter()
        .filter(|s| s.arguments.is_none())
        .map(|s| s.ident.to_string())
        .collect();
    if segments.len() != path.segments.len() {
        return false;
    }
    match segments.as_slice() {
        [only] => path.leading_colon.is_none() && only == "test",
        [root, prelude, _edition, test] => {
            (root == "core" || root == "std") && prelude == "prelude" && test == "test"
        }
        _ => false,
    }
}

/// An `async fn` split into the parts the expansion needs, with its body kept
/// as raw tokens (see step 1 in the module doc).
struct EntryFn {
    outer_attrs: Vec<Attribute>,
    vis: Visibility,
    sig: Signature,
    brace: syn::token::Brace,
    inner_attrs: Vec<Attribute>,
    body: TokenStream,
}

impl Parse for EntryFn {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let outer_attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        let content;
        let brace = braced!(content in input);
        let inner_attrs = content.call(Attribute::parse_inner)?;
        let body = content.parse()?;
        Ok(EntryFn {
            outer_attrs,
            vis,
            sig,
            brace,
            inner_attrs,
            body,
        })
    }
}

impl EntryFn {
    fn attrs(&self) -> impl Iterator<Item = &Attribute> {
        self.outer_attrs.iter().chain(&self.inner_attrs)
    }

    /// The first and last token spans of the body's last statement (the
    /// trailing expression if there is one), or the call site for an empty body.
    ///
    /// Statements are found by splitting at top-level `;`: good enough to
    /// point at the right line, with no need to parse the body.
    fn last_statement_span(&self) -> (Span, Span) {
        let mut statements: Vec<Vec<TokenTree>> = vec![Vec::new()];
        for tt in self.body.clone() {
            let ends_statement = matches!(&tt, TokenTree::Punct(p) if p.as_char() == ';');
            statements.last_mut().expect("never empty").push(tt);
            if ends_statement {
                statements.push(Vec::new());
            }
        }
        let last = statements
            .iter()
            .rev()
            .find(|s| !s.is_empty())
            .map(Vec::as_slice)
            .unwrap_or_default();
        let start = last.first().map_or_else(Span::call_site, TokenTree::span);
        let end = last.last().map_or(start, TokenTree::span);
        (start, end)
    }

    /// The body as a block with its original braces.
    fn body_block(&self) -> TokenStream {
        let mut group = proc_macro2::Group::new(Delimiter::Brace, self.body.clone());
        group.set_span(self.brace.span.join());
        TokenTree::Group(group).into()
    }

    fn into_tokens(
        self,
        generated_attrs: TokenStream,
        body: TokenStream,
        tail: TokenStream,
    ) -> TokenStream {
        let mut tokens = TokenStream::new();
        for attr in self.outer_attrs {
            attr.to_tokens(&mut tokens);
        }
        // Inner attributes (`#![allow(...)]`) are not allowed on the async block
        // the body becomes, so they move onto the function, as syn itself does.
        for mut attr in self.inner_attrs {
            attr.style = syn::AttrStyle::Outer;
            attr.to_tokens(&mut tokens);
        }
        // Last, so that attribute macros earlier in the list see `#[test]`.
        generated_attrs.to_tokens(&mut tokens);
        self.vis.to_tokens(&mut tokens);
        let mut sig = self.sig;
        sig.asyncness = None;
        sig.to_tokens(&mut tokens);
        self.brace.surround(&mut tokens, |tokens| {
            tokens.extend(body);
            tokens.extend(tail);
        });
        tokens
    }
}

#[cfg(test)]
mod tests {
    use super::CrateRef;
    use proc_macro_crate::FoundCrate;

    fn name(r: CrateRef) -> String {
        r.name().to_string()
    }

    #[test]
    fn weft_found_wins_and_tokio_is_not_asked() {
        let r = CrateRef::choose(Some(FoundCrate::Name("rt".into())), || {
            panic!("tokio looked up although weft was found")
        });
        assert_eq!(name(r), "rt");
        let r = CrateRef::choose(Some(FoundCrate::Itself), || panic!("asked"));
        assert_eq!(name(r), "weft");
    }

    #[test]
    fn tokio_facade_is_used_when_no_weft() {
        let r = CrateRef::choose(None, || Some(FoundCrate::Name("tokio".into())));
        assert_eq!(name(r), "tokio");
        let r = CrateRef::choose(None, || Some(FoundCrate::Name("my_rt".into())));
        assert_eq!(name(r), "my_rt");
    }

    #[test]
    fn neither_found_defaults_to_weft() {
        assert_eq!(name(CrateRef::choose(None, || None)), "weft");
        let r = CrateRef::choose(None, || Some(FoundCrate::Itself));
        assert_eq!(name(r), "weft");
    }
}
