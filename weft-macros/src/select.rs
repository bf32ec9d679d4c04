//! Helpers of the declarative `select!` macro (in `weft/src/macros/select.rs`)
//! for the three things `macro_rules!` cannot do: declare an enum with one
//! variant per branch, name the variant of branch `k`, and strip `ref` and
//! `mut` from a pattern.
//!
//! Branches are counted in unary: `select!` passes one `_` per branch (or,
//! for branch `k`, one `_` per branch before it), which is also how it picks a
//! branch's future out of the futures tuple (`let (_, _, fut, ..) = ...`).

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, ToTokens};
use syn::parse::Parser;
use syn::visit_mut::VisitMut;

/// Counts the tokens of `( _ _ _ )`.
fn count_group(tt: Option<TokenTree>) -> Result<usize, syn::Error> {
    match tt {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
            Ok(g.stream().into_iter().count())
        }
        Some(other) => Err(syn::Error::new(other.span(), "expected `( _ _ ... )`")),
        None => Err(syn::Error::new(Span::call_site(), "expected `( _ _ ... )`")),
    }
}

/// `select_priv_declare_output_enum!((_ _ _))` declares
///
/// ```text
/// pub(super) enum Out<_0, _1, _2> { _0(_0), _1(_1), _2(_2), Disabled }
/// pub(super) type Mask = u8;
/// ```
///
/// `Out` carries the output of the branch that completed (each branch's output
/// type is inferred), `Disabled` says that every branch was disabled. `Mask`
/// has one bit per branch; it is the smallest integer that fits, because it
/// lives in the future's state across every `.await` of the `select!`.
pub(crate) fn declare_output_enum(input: TokenStream) -> TokenStream {
    let branches = match count_group(input.into_iter().next()) {
        Ok(n) => n,
        Err(e) => return e.into_compile_error(),
    };
    let mask = match branches {
        0..=8 => "u8",
        9..=16 => "u16",
        17..=32 => "u32",
        33..=64 => "u64",
        _ => {
            return syn::Error::new(Span::call_site(), "select! supports up to 64 branches")
                .into_compile_error()
        }
    };
    let mask = syn::Ident::new(mask, Span::call_site());
    let variants: Vec<_> = (0..branches).map(|i| format_ident!("_{}", i)).collect();
    quote! {
        pub(super) enum Out<#(#variants),*> {
            #(#variants(#variants),)*
            Disabled,
        }

        pub(super) type Mask = #mask;
    }
}

/// `select_priv_variant!({ path::Out } (_ _) rest...)` expands to
/// `path::Out::_2 rest...`: the variant of the branch that has two branches
/// before it, usable as an expression or a pattern.
pub(crate) fn variant(input: TokenStream) -> TokenStream {
    let mut tokens = input.into_iter();
    let path = match tokens.next() {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => g.stream(),
        _ => return syn::Error::new(Span::call_site(), "expected `{ path }`").into_compile_error(),
    };
    let index = match count_group(tokens.next()) {
        Ok(n) => n,
        Err(e) => return e.into_compile_error(),
    };
    let variant = format_ident!("_{}", index);
    let rest: TokenStream = tokens.collect();
    quote!(#path::#variant #rest)
}

/// `select_priv_clean_pattern!(pat)`: the pattern with every `ref`, `ref mut`
/// and `mut` binding mode removed.
///
/// `select!` first checks whether a branch's output matches its pattern
/// without consuming the output (`match &out { pat => .., _ => .. }`), and
/// only then binds it for the handler. Against a reference, `mut x` or
/// `ref mut x` would try to move or mutably borrow, so the check uses the
/// cleaned pattern; it matches exactly the same values.
pub(crate) fn clean_pattern(input: TokenStream) -> TokenStream {
    match syn::Pat::parse_multi_with_leading_vert.parse2(input.clone()) {
        Ok(mut pat) => {
            StripBindingModes.visit_pat_mut(&mut pat);
            pat.into_token_stream()
        }
        // Not a pattern: hand it back unchanged, so that the compiler reports
        // the error where `select!` uses it as a pattern, at the user's tokens.
        Err(_) => input,
    }
}

struct StripBindingModes;

impl VisitMut for StripBindingModes {
    fn visit_pat_ident_mut(&mut self, pat: &mut syn::PatIdent) {
        pat.by_ref = None;
        pat.mutability = None;
        syn::visit_mut::visit_pat_ident_mut(self, pat);
    }

    fn visit_pat_reference_mut(&mut self, pat: &mut syn::PatReference) {
        pat.mutability = None;
        syn::visit_mut::visit_pat_reference_mut(self, pat);
    }

    // Expressions inside patterns (consts, ranges) are left alone.
    fn visit_expr_mut(&mut self, _: &mut syn::Expr) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(s: &str) -> String {
        clean_pattern(s.parse().unwrap()).to_string()
    }

    #[test]
    fn strips_binding_modes_everywhere() {
        assert_eq!(clean("mut a"), "a");
        assert_eq!(clean("Some(ref mut a)"), "Some (a)");
        assert_eq!(clean("(ref a, mut b)"), "(a , b)");
        assert_eq!(clean("&mut x"), "& x");
        assert_eq!(clean("S { f: ref mut g, .. }"), "S { f : g , .. }");
        assert_eq!(clean("Ok(mut v) | Err(mut v)"), "Ok (v) | Err (v)");
        assert_eq!(clean("ref a @ Some(mut b)"), "a @ Some (b)");
    }

    #[test]
    fn leaves_other_patterns_alone() {
        assert_eq!(clean("Some(1..=5)"), "Some (1 ..= 5)");
        assert_eq!(clean("_"), "_");
    }

    #[test]
    fn mask_grows_with_branches() {
        let enum_for = |n: usize| {
            let underscores = "_ ".repeat(n);
            declare_output_enum(format!("({underscores})").parse().unwrap()).to_string()
        };
        assert!(enum_for(1).contains("type Mask = u8"));
        assert!(enum_for(9).contains("type Mask = u16"));
        assert!(enum_for(33).contains("type Mask = u64"));
        assert!(enum_for(64).contains("_63 (_63)"));
        assert!(enum_for(65).contains("compile_error"));
    }

    #[test]
    fn variant_counts_the_branches_before() {
        let out = variant("{ m::Out } (_ _) (x)".parse().unwrap()).to_string();
        assert_eq!(out, "m :: Out :: _2 (x)");
    }
}
