//! Code generation for the instrumentation macros.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{
    Attribute, Block, Error, Expr, FnArg, ItemFn, Pat, ReturnType, Stmt, Type, parse_quote,
    visit::Visit,
};

use crate::args::{Args, Kind, StrArg};
use crate::keys::{self, KeyType};

/// Expands one annotated function.
pub(crate) fn expand(kind: Kind, args: Args, mut item: ItemFn) -> syn::Result<TokenStream> {
    if let Some(c) = &item.sig.constness {
        return Err(Error::new(
            c.span(),
            "the instrumentation macros may not be used on a `const fn`",
        ));
    }
    let krate: TokenStream = match &args.krate {
        Some(p) => p.to_token_stream(),
        None => quote!(::genai_semconv),
    };
    let rt = quote!(#krate::instrument::__private);
    let fn_name = item.sig.ident.to_string();
    let fn_name = fn_name.strip_prefix("r#").unwrap_or(&fn_name).to_string();

    let start = start_code(kind, &args, &item, &fn_name, &rt);
    let capture_result = kind == Kind::Tool;
    let block = &item.block;

    let new_body: Block = if item.sig.asyncness.is_some() {
        let ret_ann = return_annotation(&item.sig.output);
        let inner = quote! { async move { let __genai_ret #ret_ann = #block; __genai_ret } };
        let body = async_body(&rt, &start, inner, capture_result);
        parse_quote!({ #body })
    } else if let Some(async_block) = async_tail(&item.block) {
        // `fn -> impl Future { async move { .. } }` and async-trait's `Box::pin(async move { .. })`:
        // instrument the returned future, not the function that builds it.
        let body = async_body(&rt, &start, async_block.to_token_stream(), capture_result);
        let new_tail = quote!(async move { #body });
        replace_tail(&item.block, new_tail)
    } else if returns_impl_future(&item.sig.output) {
        let body = async_body(&rt, &start, quote!(__genai_inner), capture_result);
        parse_quote!({
            let __genai_inner = #block;
            async move { #body }
        })
    } else {
        let ret_ann = match &item.sig.output {
            // Pins the closure's type when the body diverges (`panic!()`): the outcome probe
            // would otherwise infer a `Result`.
            ReturnType::Default => quote!(-> ()),
            ReturnType::Type(_, ty) if !contains_impl(ty) => quote!(-> #ty),
            ReturnType::Type(..) => quote!(),
        };
        let outcome = outcome_code(&rt, quote!(__genai_v), capture_result);
        let Start { start, record } = &start;
        parse_quote!({
            let __genai_active: #rt::Active = #start;
            if let ::core::option::Option::Some(__genai_cx) = __genai_active.recording_context() {
                #record
            }
            #[allow(unused_mut, clippy::redundant_closure_call)]
            let mut __genai_body = || #ret_ann #block;
            let __genai_res = {
                let __genai_guard = __genai_active.attach();
                ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(__genai_body))
            };
            match __genai_res {
                ::core::result::Result::Ok(__genai_v) => {
                    #outcome
                    __genai_v
                }
                ::core::result::Result::Err(__genai_panic) => {
                    __genai_active.finish_panic(&*__genai_panic);
                    ::std::panic::resume_unwind(__genai_panic)
                }
            }
        })
    };
    item.block = Box::new(new_body);
    Ok(item.into_token_stream())
}

/// The code that runs after the call completes: outcome, optional result capture, span end,
/// metrics.
fn outcome_code(rt: &TokenStream, v: TokenStream, capture_result: bool) -> TokenStream {
    let result = if capture_result {
        quote! {
            let __genai_result_json = if __genai_active.capture_on_span() {
                #[allow(unused_imports)]
                use #rt::{ResultJsonSer as _, ResultJsonOk as _, ResultJsonNone as _};
                (&&&#rt::Probe(&#v)).__genai_result_json()
            } else {
                ::core::option::Option::None
            };
        }
    } else {
        quote!(let __genai_result_json = ::core::option::Option::None;)
    };
    quote! {
        {
            #[allow(unused_imports)]
            use #rt::{OutcomeFull as _, OutcomeStd as _, OutcomeDisplay as _, OutcomeNone as _};
            #result
            let __genai_outcome = (&&&&#rt::Probe(&#v)).__genai_outcome();
            __genai_active.finish(__genai_outcome, __genai_result_json);
        }
    }
}

fn async_body(
    rt: &TokenStream,
    start: &Start,
    fut: TokenStream,
    capture_result: bool,
) -> TokenStream {
    let outcome = outcome_code(rt, quote!(__genai_v), capture_result);
    let Start { start, record } = start;
    quote! {
        let __genai_active: #rt::Active = #start;
        if let ::core::option::Option::Some(__genai_cx) = __genai_active.recording_context() {
            #record
        }
        let __genai_fut = #fut;
        let __genai_v = #rt::Instrumented::new(__genai_fut, &__genai_active).await;
        #outcome
        __genai_v
    }
}

/// `: T` for the inner async block, unless the type mentions `impl Trait`.
fn return_annotation(output: &ReturnType) -> TokenStream {
    match output {
        ReturnType::Default => quote!(: ()),
        ReturnType::Type(_, ty) if !contains_impl(ty) => quote!(: #ty),
        ReturnType::Type(..) => quote!(),
    }
}

fn contains_impl(ty: &Type) -> bool {
    struct V(bool);
    impl<'a> Visit<'a> for V {
        fn visit_type_impl_trait(&mut self, _: &'a syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    let mut v = V(false);
    v.visit_type(ty);
    v.0
}

fn returns_impl_future(output: &ReturnType) -> bool {
    let ReturnType::Type(_, ty) = output else {
        return false;
    };
    let Type::ImplTrait(it) = &**ty else {
        return false;
    };
    it.bounds.iter().any(|b| match b {
        syn::TypeParamBound::Trait(t) => {
            t.path.segments.last().is_some_and(|s| s.ident == "Future")
        }
        _ => false,
    })
}

/// Finds a tail expression that is `async move { .. }` or `Box::pin(async move { .. })`.
fn async_tail(block: &Block) -> Option<&syn::ExprAsync> {
    let Some(Stmt::Expr(tail, None)) = block.stmts.last() else {
        return None;
    };
    match tail {
        Expr::Async(a) => Some(a),
        Expr::Call(call) => {
            let Expr::Path(p) = &*call.func else {
                return None;
            };
            let segs: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let is_box_pin =
                segs.len() >= 2 && segs[segs.len() - 2] == "Box" && segs[segs.len() - 1] == "pin";
            if !is_box_pin || call.args.len() != 1 {
                return None;
            }
            match call.args.first() {
                Some(Expr::Async(a)) => Some(a),
                _ => None,
            }
        }
        _ => None,
    }
}

fn replace_tail(block: &Block, new_async: TokenStream) -> Block {
    let mut block = block.clone();
    if let Some(Stmt::Expr(tail, None)) = block.stmts.last_mut() {
        match tail {
            Expr::Async(_) => *tail = parse_quote!(#new_async),
            Expr::Call(call) => {
                if let Some(arg) = call.args.first_mut() {
                    *arg = parse_quote!(#new_async);
                }
            }
            _ => {}
        }
    }
    block
}

/// The first non-empty line of the doc comment.
fn first_doc_line(attrs: &[Attribute]) -> Option<String> {
    for a in attrs {
        if !a.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &a.meta
            && let Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
        {
            let v = s.value();
            let line = v.trim();
            if !line.is_empty() {
                return Some(line.to_string());
            }
        }
    }
    None
}

/// A string argument as `(Cow<'static, str> expression, is_static)`.
fn cow(rt: &TokenStream, arg: &StrArg) -> TokenStream {
    match arg {
        StrArg::Lit(s) => quote!(#rt::Cow::Borrowed(#s)),
        StrArg::Expr(e) => quote_spanned!(e.span()=> #rt::str_value(#e)),
    }
}

/// The code that starts a span.
pub(crate) struct Start {
    /// An expression of type `Active`.
    start: TokenStream,
    /// Statements run only when the span records, before the call, with `__genai_cx: &Context`
    /// in scope: attributes whose values are expressions, `fields(..)`, tool argument capture.
    record: TokenStream,
}

/// Builds the code that starts the span.
fn start_code(kind: Kind, args: &Args, item: &ItemFn, fn_name: &str, rt: &TokenStream) -> Start {
    let op = kind.operation();
    let (name_key, name_arg) = match kind {
        Kind::Agent => ("gen_ai.agent.name", &args.name),
        Kind::Tool => ("gen_ai.tool.name", &args.name),
        Kind::Workflow => ("gen_ai.workflow.name", &args.name),
        Kind::Plan => ("gen_ai.agent.name", &args.name),
    };
    // Name: literal (default: fn name) -> static span name; expression -> formatted at call time.
    let (name_setup, span_name, name_value) = match name_arg {
        // A plan without `agent = ..`: named after the agent it runs in, at call time.
        None if kind == Kind::Plan => (quote!(), quote!(#rt::Cow::Borrowed(#op)), quote!()),
        None | Some(StrArg::Lit(_)) => {
            let n = match name_arg {
                Some(StrArg::Lit(s)) => s.value(),
                _ => fn_name.to_string(),
            };
            let full = format!("{op} {n}");
            (
                quote!(),
                quote!(#rt::Cow::Borrowed(#full)),
                quote!(#rt::Cow::Borrowed(#n)),
            )
        }
        Some(StrArg::Expr(e)) => (
            quote_spanned!(e.span()=> let __genai_name: #rt::Cow<'static, str> = #rt::str_value(#e);),
            quote!(#rt::span_name(#op, &__genai_name)),
            quote!(::core::clone::Clone::clone(&__genai_name)),
        ),
    };

    let kv = |key: &str, value: TokenStream| quote!(#rt::KeyValue::new(#key, #value));
    // Sampling-relevant attributes (per the registry's `sampling_relevant`) go into the builder,
    // even when given as expressions.
    let mut sampling: Vec<TokenStream> = vec![kv("gen_ai.operation.name", quote!(#op))];
    // Other literal values: no formatting or allocation; pushed onto the concrete span (into
    // the builder vector's spare capacity) only when it records.
    let mut extra: Vec<TokenStream> = Vec::new();
    // Other expression values: evaluated only when the span records.
    let mut later: Vec<TokenStream> = Vec::new();
    let mut opt = |key: &str, a: &Option<StrArg>| {
        if let Some(a) = a {
            let c = cow(rt, a);
            let kv = quote!(#rt::KeyValue::new(#key, #c));
            match a {
                StrArg::Lit(_) => extra.push(kv),
                StrArg::Expr(_) => later.push(kv),
            }
        }
    };
    let description = args.description.clone().or_else(|| {
        first_doc_line(&item.attrs).map(|d| StrArg::Lit(syn::LitStr::new(&d, Span::call_site())))
    });
    match kind {
        Kind::Agent => {
            sampling.extend(
                args.provider
                    .as_ref()
                    .map(|a| kv("gen_ai.provider.name", cow(rt, a))),
            );
            sampling.push(kv(name_key, name_value));
            sampling.extend(
                args.model
                    .as_ref()
                    .map(|a| kv("gen_ai.request.model", cow(rt, a))),
            );
            opt("gen_ai.agent.description", &description);
            opt("gen_ai.agent.version", &args.version);
            opt("gen_ai.conversation.id", &args.conversation_id);
            opt("gen_ai.data_source.id", &args.data_source_id);
        }
        Kind::Tool => {
            sampling.push(kv(name_key, name_value));
            if let Some(t) = args.tool_type {
                sampling.push(kv("gen_ai.tool.type", quote!(#t)));
            }
            opt("gen_ai.tool.description", &description);
            opt("gen_ai.tool.call.id", &args.call_id);
        }
        Kind::Workflow => {
            sampling.push(kv(name_key, name_value));
        }
        Kind::Plan => {
            if name_arg.is_some() {
                sampling.push(kv(name_key, name_value));
            }
        }
    }
    let span_kind = if args.client {
        quote!(#rt::SpanKind::Client)
    } else {
        quote!(#rt::SpanKind::Internal)
    };

    let fields: Vec<TokenStream> = args
        .fields
        .iter()
        .map(|f| {
            let key = syn::LitStr::new(&f.key, f.key_span);
            let v = &f.value;
            let conv = match keys::lookup(&f.key).map(|k| k.ty) {
                Some(KeyType::String | KeyType::Enum) => quote_spanned!(v.span()=> #rt::attr::<#rt::StrM, _>(#v)),
                Some(KeyType::Int) => quote_spanned!(v.span()=> #rt::attr::<#rt::IntM, _>(#v)),
                Some(KeyType::Double) => quote_spanned!(v.span()=> #rt::double_attr(#v)),
                Some(KeyType::Boolean) => quote_spanned!(v.span()=> #rt::attr::<#rt::BoolM, _>(#v)),
                Some(KeyType::StringArray) => quote_spanned!(v.span()=> #rt::string_array_attr(#v)),
                Some(KeyType::IntArray) => quote_spanned!(v.span()=> #rt::int_array_attr(#v)),
                Some(KeyType::DoubleArray) => quote_spanned!(v.span()=> #rt::double_array_attr(#v)),
                Some(KeyType::BooleanArray) => quote_spanned!(v.span()=> #rt::bool_array_attr(#v)),
                Some(KeyType::Any) => quote_spanned!(v.span()=> #rt::json_attr(&#v)),
                None => quote_spanned!(v.span()=> #rt::attr::<_, _>(#v)),
            };
            quote! {
                if let ::core::option::Option::Some(__genai_val) = #conv {
                    #rt::SpanRef::set_attribute(&__genai_span, #rt::KeyValue::new(#key, __genai_val));
                }
            }
        })
        .collect();

    let capture_args = if kind == Kind::Tool {
        let pushes: Vec<TokenStream> = match &args.arguments {
            Some(explicit) => explicit
                .iter()
                .map(|(k, e)| {
                    quote_spanned!(e.span()=> __genai_args.push(#k, (&&#rt::Probe(&(#e))).__genai_arg_json());)
                })
                .collect(),
            None => item
                .sig
                .inputs
                .iter()
                .filter_map(|a| match a {
                    FnArg::Typed(pt) => match &*pt.pat {
                        Pat::Ident(pi) if pi.by_ref.is_none() => Some(pi.ident.clone()),
                        _ => None,
                    },
                    FnArg::Receiver(_) => None,
                })
                .filter(|n| !args.skip.contains(n))
                .map(|n| {
                    let k = n.to_string().trim_start_matches("r#").to_string();
                    quote!(__genai_args.push(#k, (&&#rt::Probe(&#n)).__genai_arg_json());)
                })
                .collect(),
        };
        quote! {
            if __genai_active.capture_on_span() {
                #[allow(unused_imports)]
                use #rt::{ArgJsonSer as _, ArgJsonNone as _};
                let mut __genai_args = #rt::ArgsJson::new();
                #( #pushes )*
                __genai_args.record(&__genai_span, &__genai_active);
            }
        }
    } else {
        quote!()
    };

    let parent = match &args.parent {
        Some(p) => quote_spanned!(p.span()=> ::core::option::Option::Some(&#p)),
        None => quote!(::core::option::Option::None),
    };
    let links = match &args.links {
        Some(l) => {
            quote_spanned!(l.span()=> ::core::option::Option::Some(::core::iter::IntoIterator::into_iter(#l).collect()))
        }
        None => quote!(::core::option::Option::None),
    };
    let telemetry = match &args.telemetry {
        Some(t) => quote_spanned!(t.span()=> #rt::telemetry_of(&#t)),
        None => quote!(#rt::default_telemetry()),
    };
    let tracer = match &args.tracer {
        Some(t) => quote_spanned!(t.span()=> &#t),
        None => quote!(&__genai_telemetry.tracer()),
    };
    let op_variant = match kind {
        Kind::Agent => quote!(#rt::Op::Agent),
        Kind::Tool => quote!(#rt::Op::Tool),
        Kind::Workflow => quote!(#rt::Op::Workflow),
        Kind::Plan => quote!(#rt::Op::Plan),
    };
    let agent_id = match (&args.id, kind) {
        (Some(a), Kind::Agent) => {
            let c = cow(rt, a);
            quote!(::core::option::Option::Some(#c))
        }
        _ => quote!(::core::option::Option::None),
    };
    // Room for every attribute the macro may add up front, so that the recording span's
    // attribute vector (the builder's, kept by the SDK) does not grow.
    // (+2: the enclosing agent's name and id on tool and plan spans.)
    let capacity = sampling.len() + extra.len() + later.len() + fields.len() + 2;
    let extra_fn = if extra.is_empty() {
        quote!(|_| {})
    } else {
        quote!(|__genai_s| { #( #rt::Span::set_attribute(__genai_s, #extra); )* })
    };
    let start = quote! {{
        #name_setup
        let __genai_parent: ::core::option::Option<&#rt::Context> = #parent;
        let __genai_telemetry: #rt::Telemetry = #telemetry;
        #[allow(unused_mut)]
        let __genai_tracer_ref = #tracer;
        #[allow(unused_imports)]
        use #rt::AsTracer as _;
        let mut __genai_attrs = ::std::vec::Vec::with_capacity(#capacity);
        #( __genai_attrs.push(#sampling); )*
        #rt::start(
            __genai_tracer_ref.__genai_tracer(),
            #span_name,
            #span_kind,
            __genai_attrs,
            #extra_fn,
            #rt::StartArgs {
                op: #op_variant,
                telemetry: ::core::clone::Clone::clone(&__genai_telemetry),
                parent: __genai_parent,
                links: #links,
                agent_id: #agent_id,
            },
        )
    }};
    let record = if later.is_empty() && fields.is_empty() && capture_args.is_empty() {
        quote!()
    } else {
        quote! {
            let __genai_span = #rt::TraceContextExt::span(__genai_cx);
            #( #rt::SpanRef::set_attribute(&__genai_span, #later); )*
            #( #fields )*
            #capture_args
        }
    };
    Start { start, record }
}
