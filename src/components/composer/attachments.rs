//! Attaching photos and files in the composer: the picker, camera and 「元の画質」 controls,
//! drag-and-drop and paste (wired on the composer's form), and the chips of what is attached.
//!
//! A picked photo is prepared at once ([`crate::media::prep`]), checked against the backend's
//! limits, stored in IndexedDB and listed with the draft, so a reload, a room switch or a crash
//! keeps it; removing the chip deletes it.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tsunagu_api::MediaLimits;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use web_sys::{Blob, File, FileList, Url};

use crate::drafts::DraftKey;
use crate::i18n::{use_i18n, Msg};
use crate::media::plan::{
    bytes_saved, check_add, human_size, preparation, prepared_name, LimitError, Preparation, ACCEPT,
};
use crate::media::{prep, store, total_size, FileUpload, PendingAttachment};
use crate::session::use_session;

/// Why a file was not attached: the message, the limit it broke (if any) and the file's name.
pub type AttachError = (Msg, Option<u64>, String);

/// The attachments of one composer. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Attachments {
    /// What is attached, in order.
    pub list: RwSignal<Vec<PendingAttachment>>,
    /// `blob:` URLs of the previews (photo, or a video's poster) by blob id of the file.
    previews: RwSignal<Vec<(Uuid, String)>>,
    /// Files being prepared.
    pub preparing: RwSignal<u32>,
    /// Why the last file was refused.
    pub error: RwSignal<Option<AttachError>>,
    /// 「元の画質」: photos at full size (still re-encoded, so without metadata).
    pub original: RwSignal<bool>,
    limits: StoredValue<Option<MediaLimits>>,
    key: StoredValue<DraftKey>,
}

impl Attachments {
    /// The attachments kept with the draft `key` (restored from IndexedDB).
    pub fn new(key: DraftKey) -> Self {
        let this = Self {
            list: RwSignal::new(Vec::new()),
            previews: RwSignal::new(Vec::new()),
            preparing: RwSignal::new(0),
            error: RwSignal::new(None),
            original: RwSignal::new(false),
            limits: StoredValue::new(None),
            key: StoredValue::new(key),
        };
        spawn_local(async move {
            let stored = store::load_draft(&key).await;
            for a in &stored {
                this.preview(key.user_id, a).await;
            }
            this.list.try_update(|l| {
                for a in stored {
                    if !l.iter().any(|x| x.file.blob_id == a.file.blob_id) {
                        l.push(a);
                    }
                }
            });
        });
        on_cleanup(move || {
            for (_, url) in this.previews.try_get_untracked().unwrap_or_default() {
                let _ = Url::revoke_object_url(&url);
            }
        });
        this
    }

    /// The preview URL of the attachment whose file is `blob_id` (tracked).
    pub fn preview_of(&self, blob_id: Uuid) -> Option<String> {
        self.previews.with(|p| {
            p.iter()
                .find(|(id, _)| *id == blob_id)
                .map(|(_, u)| u.clone())
        })
    }

    /// Makes the preview of `a` from its stored Blob (the photo itself, or a video's poster).
    async fn preview(&self, user: Uuid, a: &PendingAttachment) {
        let shown = match (&a.poster, a.file.mime.starts_with("image/")) {
            (Some(poster), _) => poster.blob_id,
            (None, true) => a.file.blob_id,
            (None, false) => return,
        };
        if let Ok(Some(blob)) = store::get_blob(user, shown).await {
            if let Ok(url) = Url::create_object_url_with_blob(&blob) {
                self.previews.try_update(|p| p.push((a.file.blob_id, url)));
            }
        }
    }

    fn save(&self) {
        let key = self.key.get_value();
        let list = self.list.get_untracked();
        spawn_local(async move {
            if let Err(e) = store::save_draft(&key, &list).await {
                web_sys::console::warn_1(&format!("attachments: {e}").into());
            }
        });
    }

    /// Prepares, checks and stores `files`, one after the other, and attaches those that fit.
    pub fn add(&self, files: Vec<File>, limits_client: crate::api::Client) {
        if files.is_empty() {
            return;
        }
        let this = *self;
        self.error.set(None);
        self.preparing.update(|n| *n += files.len() as u32);
        spawn_local(async move {
            let limits = match this.limits.get_value() {
                Some(l) => l,
                None => {
                    let l = limits_client.media_limits().await.unwrap_or_default();
                    this.limits.set_value(Some(l.clone()));
                    l
                }
            };
            for file in files {
                let result = this.add_one(&file, &limits).await;
                this.preparing.try_update(|n| *n = n.saturating_sub(1));
                if let Err(e) = result {
                    this.error.try_set(Some(e));
                }
            }
            this.save();
        });
    }

    async fn add_one(&self, file: &File, limits: &MediaLimits) -> Result<(), AttachError> {
        let user = self.key.get_value().user_id;
        let name = file.name();
        let picked_size = file.size() as u64;
        let fail = |msg, limit| (msg, limit, name.clone());
        let mime = file.type_();
        let (blob, name, mime, poster): (Blob, String, String, Option<Blob>) =
            match preparation(&mime) {
                Preparation::Photo => {
                    match prep::prepare_photo(file, self.original.get_untracked()).await {
                        Ok((jpeg, _, _)) => (jpeg, prepared_name(&name), "image/jpeg".into(), None),
                        Err(e) => {
                            web_sys::console::warn_1(&e);
                            return Err(fail(Msg::MediaReadFailed, None));
                        }
                    }
                }
                Preparation::Video => {
                    let poster = prep::video_poster(file).await.ok();
                    (file.clone().into(), name.clone(), mime, poster)
                }
                Preparation::AsIs => (file.clone().into(), name.clone(), mime, None),
            };
        let size = blob.size() as u64;
        let (count, sum) = self.list.with_untracked(|l| (l.len(), total_size(l)));
        check_add(count, sum, &mime, size, limits).map_err(|e| match e {
            LimitError::TooMany => fail(Msg::MediaTooMany, None),
            LimitError::FileTooLarge { max } => fail(Msg::MediaFileTooLarge, Some(max)),
            LimitError::PostTooLarge { max } => fail(Msg::MediaPostTooLarge, Some(max)),
            LimitError::Empty => fail(Msg::MediaEmptyFile, None),
        })?;
        let blob_id = Uuid::now_v7();
        store::put_blob(user, blob_id, &blob)
            .await
            .map_err(|_| fail(Msg::ComposerStoreFailed, None))?;
        let poster = match poster {
            Some(p) => {
                let id = Uuid::now_v7();
                match store::put_blob(user, id, &p).await {
                    Ok(()) => Some(FileUpload::new(
                        id,
                        prepared_name(&name),
                        "image/jpeg".into(),
                        p.size() as u64,
                    )),
                    Err(_) => None,
                }
            }
            None => None,
        };
        let attachment = PendingAttachment {
            file: FileUpload::new(blob_id, name, mime, size),
            poster,
            picked_size,
        };
        self.preview(user, &attachment).await;
        self.list.try_update(|l| l.push(attachment));
        Ok(())
    }

    /// Removes an attachment (its stored files too).
    pub fn remove(&self, blob_id: Uuid) {
        let Some(removed) = self
            .list
            .try_update(|l| {
                let at = l.iter().position(|a| a.file.blob_id == blob_id)?;
                Some(l.remove(at))
            })
            .flatten()
        else {
            return;
        };
        self.previews.update(|p| {
            p.retain(|(id, url)| {
                let keep = *id != blob_id;
                if !keep {
                    let _ = Url::revoke_object_url(url);
                }
                keep
            })
        });
        self.save();
        let user = self.key.get_value().user_id;
        spawn_local(async move {
            let _ = store::delete_blobs(user, removed.blob_ids().collect::<Vec<_>>()).await;
        });
    }

    /// Hands the attachments over to the outbox: the list empties, the stored files stay (the
    /// outbox item owns them now) and the draft's list goes.
    pub fn taken(&self, sent: &[PendingAttachment]) {
        self.list
            .update(|l| l.retain(|a| !sent.iter().any(|s| s.file.blob_id == a.file.blob_id)));
        self.previews.update(|p| {
            p.retain(|(id, url)| {
                let keep = !sent.iter().any(|s| s.file.blob_id == *id);
                if !keep {
                    let _ = Url::revoke_object_url(url);
                }
                keep
            })
        });
        self.save();
    }

    /// Attachments of a refused post back in the composer (their files are still stored).
    pub fn put_back(&self, attachments: Vec<PendingAttachment>) {
        let this = *self;
        let user = self.key.get_value().user_id;
        spawn_local(async move {
            for a in &attachments {
                this.preview(user, a).await;
            }
            this.list.try_update(|l| l.extend(attachments));
            this.save();
        });
    }
}

/// The files of a `FileList`.
pub fn files_of(list: Option<FileList>) -> Vec<File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// The attach button (a file picker for photos, videos, audio, PDF and office files, several
/// at once), the camera button (shown on phones only), the 「元の画質」 toggle, and while files
/// are being prepared a status line.
#[component]
pub fn AttachControls(
    /// The composer's attachments.
    attachments: Attachments,
    /// Prefix of the element ids (the editor's id).
    id: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let picker = NodeRef::<Input>::new();
    let camera = NodeRef::<Input>::new();
    let on_change = move |input: NodeRef<Input>| {
        if let Some(el) = input.get_untracked() {
            attachments.add(files_of(el.files()), session.client());
            // So that picking the same file again fires `change`.
            el.set_value("");
        }
    };
    let original_id = format!("{id}-original");
    view! {
        <div class="attach">
            <input
                type="file"
                multiple
                accept=ACCEPT
                class="visually-hidden"
                tabindex="-1"
                aria-hidden="true"
                node_ref=picker
                on:change=move |_| on_change(picker)
            />
            <input
                type="file"
                accept="image/*"
                capture="environment"
                class="visually-hidden"
                tabindex="-1"
                aria-hidden="true"
                node_ref=camera
                on:change=move |_| on_change(camera)
            />
            <button
                type="button"
                class="button button--secondary attach__button"
                aria-label=move || i18n.t(Msg::MediaAttach)
                on:click=move |_| {
                    if let Some(el) = picker.get_untracked() {
                        el.click();
                    }
                }
            >
                {move || i18n.t(Msg::MediaAttachShort)}
            </button>
            <button
                type="button"
                class="button button--secondary attach__button attach__button--camera"
                on:click=move |_| {
                    if let Some(el) = camera.get_untracked() {
                        el.click();
                    }
                }
            >
                {move || i18n.t(Msg::MediaCamera)}
            </button>
            <label class="attach__original" for=original_id.clone() title=move || i18n.t(Msg::MediaOriginalHint)>
                <input
                    type="checkbox"
                    id=original_id.clone()
                    prop:checked=move || attachments.original.get()
                    on:change=move |ev| {
                        let on = ev
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                            .is_some_and(|i| i.checked());
                        attachments.original.set(on);
                    }
                />
                {move || i18n.t(Msg::MediaOriginal)}
            </label>
            <span class="attach__status" role="status">
                {move || (attachments.preparing.get() > 0).then(|| i18n.t(Msg::MediaPreparing))}
            </span>
        </div>
    }
}

/// The attached files as chips: a preview of a photo or a video's poster (a `blob:` URL of the
/// stored file), the name, the size (「4.1 MB → 620 KB」 when preparing made it smaller) and a
/// remove button; and why the last file was refused (an alert).
#[component]
pub fn AttachmentChips(
    /// The composer's attachments.
    attachments: Attachments,
) -> impl IntoView {
    let i18n = use_i18n();
    let chips = move || {
        attachments
            .list
            .get()
            .into_iter()
            .map(|a| {
                let id = a.file.blob_id;
                let name = a.file.name.clone();
                let size = bytes_saved(a.picked_size, a.file.size)
                    .map(|saved| format!("{} {saved}", i18n.t(Msg::MediaSaved)))
                    .unwrap_or_else(|| human_size(a.file.size));
                let remove_label = {
                    let name = name.clone();
                    move || format!("{}: {name}", i18n.t(Msg::MediaRemove))
                };
                view! {
                    <li class="attach-chip" data-blob-id=id.to_string()>
                        {move || {
                            attachments
                                .preview_of(id)
                                .map(|src| view! { <img class="attach-chip__preview" src=src alt=""/> })
                        }}
                        <span class="attach-chip__name">{name}</span>
                        <span class="attach-chip__size">{size}</span>
                        <button
                            type="button"
                            class="attach-chip__remove"
                            aria-label=remove_label
                            on:click=move |_| attachments.remove(id)
                        >
                            "×"
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        {move || {
            attachments
                .error
                .get()
                .map(|(msg, limit, name)| {
                    view! {
                        <p class="composer__error attach__error" role="alert">
                            {move || {
                                let limit = limit.map(|l| format!(" {}", human_size(l))).unwrap_or_default();
                                format!("{name}: {}{limit}", i18n.t(msg))
                            }}
                        </p>
                    }
                })
        }}
        {move || {
            (!attachments.list.with(Vec::is_empty))
                .then(|| {
                    view! {
                        <ul class="attach-chips" aria-label=move || i18n.t(Msg::MediaAttachments)>
                            {chips}
                        </ul>
                    }
                })
        }}
    }
}
