//! The widget's signals (`Sig`) and kept values (`Kept`): Leptos's reactive graph does the
//! tracking, notifying and owning; only the value's home is the widget's own.
//!
//! Why not `RwSignal<T>` and `StoredValue<T>`: Leptos instantiates their graph code (arena slot,
//! lock, subscriber set, notification, disposal) once for every value type `T`. Measured on this
//! widget (bench/RESULTS.md, issue 8) that was about 30 KB of wasm for a dozen types. Here every
//! value sits behind one type-erased slot next to an `ArcTrigger`, so the graph code exists once
//! and each `T` adds a downcast and a `RefCell`. A `Kept<T>` uses a `Sig<T>`'s slot, so the two
//! share that per-type code (its `TypeId`, 16 bytes that do not compress, among it); this is why
//! some kept values are held as the type a signal already has (`Option<TierId>`, not `TierId`).
//! Like Leptos's own, both handles are `Copy` and end with the owner that made them
//! (`on_cleanup`).
//!
//! The slots are a thread-local `SlotMap` (the crate Leptos's own arena uses) rather than a
//! `StoredValue<_, LocalStorage>`: that one checks on every read that it is on the thread that
//! made it, which brings std's thread handles, and with them the system allocator, into the
//! wasm. The widget has one thread.

use std::any::Any;
use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;

use reactive_graph::owner::on_cleanup;
use reactive_graph::signal::ArcTrigger;
use reactive_graph::traits::{Notify, Track};
use slotmap::{DefaultKey, SlotMap};

type Slot = DefaultKey;

thread_local! {
    static SLOTS: RefCell<SlotMap<Slot, Rc<dyn Any>>> = RefCell::new(SlotMap::new());
}

/// A new slot for `value`, emptied when the current owner ends (never, outside any owner).
fn slot(value: Rc<dyn Any>) -> Slot {
    let slot = SLOTS.with_borrow_mut(|s| s.insert(value));
    on_cleanup(move || {
        // Dropped after the borrow: a value's drop may end other slots.
        let gone = SLOTS.with_borrow_mut(|s| s.remove(slot));
        drop(gone);
    });
    slot
}

/// The value behind a slot; `None` once its owner is gone (the key's generation tells a
/// reused slot from the one it was).
fn fetch(slot: Slot) -> Option<Rc<dyn Any>> {
    SLOTS.with_borrow(|s| s.get(slot).cloned())
}

const GONE: &str = "a signal read after its owner ended";

/// The slot's value, held for as long as it is read or written: not the map's borrow, so the
/// reader may make and end other slots.
fn held(slot: Slot) -> Rc<dyn Any> {
    fetch(slot).expect(GONE)
}

/// The `Inner<T>` in a held slot. Borrowed from the `Rc<dyn Any>`, not downcast into an
/// `Rc<Inner<T>>`, whose drop code would be copied for every `T`.
fn inner<T: 'static>(held: &Rc<dyn Any>) -> &Inner<T> {
    held.downcast_ref().expect(GONE)
}

struct Inner<T> {
    trigger: ArcTrigger,
    value: RefCell<T>,
}

/// A value the views follow: reading it inside an effect subscribes, writing it notifies.
pub struct Sig<T> {
    slot: Slot,
    ty: PhantomData<fn() -> T>,
}

impl<T> Clone for Sig<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Sig<T> {}

impl<T: 'static> Sig<T> {
    pub fn new(value: T) -> Self {
        Sig { slot: slot(Rc::new(Inner { trigger: ArcTrigger::new(), value: RefCell::new(value) })), ty: PhantomData }
    }

    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        let held = held(self.slot);
        let inner = inner::<T>(&held);
        inner.trigger.track();
        let value = inner.value.borrow();
        f(&value)
    }

    pub fn with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        let held = held(self.slot);
        let value = inner::<T>(&held).value.borrow();
        f(&value)
    }

    pub fn update(&self, f: impl FnOnce(&mut T)) {
        let held = held(self.slot);
        let inner = inner::<T>(&held);
        f(&mut inner.value.borrow_mut());
        inner.trigger.notify();
    }

    pub fn set(&self, value: T) {
        self.update(|v| *v = value);
    }
}

impl<T: Clone + 'static> Sig<T> {
    pub fn get(&self) -> T {
        self.with(T::clone)
    }

    pub fn get_untracked(&self) -> T {
        self.with_untracked(T::clone)
    }

    /// `None` once the owner has ended (a late answer after the buyer moved on).
    pub fn try_get_untracked(&self) -> Option<T> {
        let held = fetch(self.slot)?;
        let value = held.downcast_ref::<Inner<T>>()?.value.borrow().clone();
        Some(value)
    }
}

/// A value kept for as long as its owner, read and written without tracking: the widget's
/// `StoredValue`, for closures that must be `Copy`.
pub struct Kept<T> {
    slot: Slot,
    ty: PhantomData<fn() -> T>,
}

impl<T> Clone for Kept<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Kept<T> {}

impl<T: 'static> Kept<T> {
    pub fn new(value: T) -> Self {
        Kept { slot: Sig::new(value).slot, ty: PhantomData }
    }

    /// The same slot as a signal's: a `Kept<T>` and a `Sig<T>` then share one `Any` type (its
    /// `TypeId` and downcast code) in the wasm. Its trigger is never tracked nor notified.
    fn sig(&self) -> Sig<T> {
        Sig { slot: self.slot, ty: PhantomData }
    }

    pub fn with_value<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.sig().with_untracked(f)
    }

    pub fn set_value(&self, value: T) {
        let held = held(self.slot);
        *inner::<T>(&held).value.borrow_mut() = value;
    }
}

impl<T: Clone + 'static> Kept<T> {
    pub fn get_value(&self) -> T {
        self.with_value(T::clone)
    }

    /// `None` once the owner has ended (a late answer after the buyer moved on).
    pub fn try_get_value(&self) -> Option<T> {
        self.sig().try_get_untracked()
    }
}

/// A callback one component hands another: `Copy`, and ends with its owner. Leptos's
/// `Callback<In>` would bring a `StoredValue` instantiation of its own for every `In`.
pub struct Handler<In>(Kept<Rc<dyn Fn(In)>>);

impl<In> Clone for Handler<In> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<In> Copy for Handler<In> {}

impl<In: 'static> Handler<In> {
    pub fn new(f: impl Fn(In) + 'static) -> Self {
        Handler(Kept::new(Rc::new(f)))
    }

    pub fn run(&self, input: In) {
        // Called in place (a handler is never replaced, so its cell is only ever read): cloning
        // the `Rc` out first would bring its drop code for every `In`.
        self.0.with_value(|f| f(input))
    }
}
