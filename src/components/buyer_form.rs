use tessera_core::Field;

use super::Ctx;
use crate::dom::{el, el_class, target_value, El};
use crate::order_state::OrderState;
use crate::state::{Kept, Sig};
use crate::text::problem;

/// Name, email and optional phone. Problems show once a field is left (or on checkout),
/// next to the field and linked to it for screen readers.
pub fn buyer_form(ctx: &'static Ctx, order: OrderState) -> El {
    let t = ctx.t;
    el_class("fieldset", "tessera-buyer")
        .attr("part", "buyer")
        .child(el("legend").text(t.your_details()))
        .child(text_field(ctx, Field::Name, order.name, order, t.name(), "text", "name", false))
        .child(text_field(ctx, Field::Email, order.email, order, t.email(), "email", "email", false))
        .child(text_field(ctx, Field::Phone, order.phone, order, t.phone(), "tel", "tel", true))
}

// Each call writes out its field's input type and autofill hint: a match on `field` in here
// instead made the wasm 107 B of brotli larger (measured), for one argument less.
#[allow(clippy::too_many_arguments)]
fn text_field(
    ctx: &'static Ctx,
    field: Field,
    value: Sig<String>,
    order: OrderState,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    optional: bool,
) -> El {
    let t = ctx.t;
    let id = ["tessera-", kind].concat();
    let error_id = Kept::new([id.as_str(), "-error"].concat());
    let error = move || order.visible_problem(field).map(|p| problem(t, field, p));
    let mut input = el("input").attr("id", &id).attr("type", kind).attr("autocomplete", autocomplete);
    if !optional {
        input = input.attr("required", "");
    }
    let input = input
        .aria_fn("aria-invalid", move || error().is_some())
        .attr_fn("aria-describedby", move || error().map(|_| error_id.get_value()))
        .prop_fn("value", move || value.get().into())
        .on("input", move |ev| value.set(target_value(&ev)))
        .on("blur", move |_| order.touch(field));
    let optional = optional.then(|| el_class("span", "tessera-optional").text(" (").text(t.optional()).text(")"));
    el_class("div", "tessera-field")
        .child(el("label").attr("for", &id).text(label).child_opt(optional))
        .child(input)
        .dyn_child(move || {
            error().map(|e| el_class("p", "tessera-field-error").attr("id", &error_id.get_value()).text(&e))
        })
}
