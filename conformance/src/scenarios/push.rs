//! Web Push: the VAPID key, this device's subscription and muting a group. Nothing is posted
//! while a subscription exists, so no push is ever sent from a conformance run (and the
//! endpoints are under `.invalid`, which never resolves, RFC 2606).
//!
//! A subscription belongs to the user and the device (its endpoint): registered through a
//! session, it outlives that session's idle expiry (not checked here: a suite cannot wait half
//! an hour) and ends at its logout; the same endpoint registered by someone else moves to them.

use serde_json::{json, Value};
use tsunagu_api::{ErrorCode, Group, PushSubscriptionStatus, VapidKey};

use super::{create_workplace, unique};
use crate::client::{Check, Ctx};
use crate::ensure;

/// A browser's subscription keys (a valid P-256 point and a 16-byte secret).
const P256DH: &str =
    "BLn9b-VR0ca83knDNZ32dCHGyjJp-1riX9ZTN40MqV8K_LpQmLqxC_DoHvqvFXO_nGdAB4W9dogZb_sM-uV4JbY";
const AUTH: &str = "_ordMnz7uTCmrpBTeUV4Bw";

fn subscription(endpoint: &str, p256dh: &str, auth: &str) -> Value {
    json!({"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}})
}

pub(super) async fn groups_are_muted_per_member(ctx: &Ctx) -> Check {
    let member = ctx.login_member().await?;
    let outsider = ctx.login_outsider().await?;
    let group = create_workplace(ctx, &member.token).await?;
    ensure!(!group.muted, "a new group is not muted");
    let mute = |token: String, muted: bool| async move {
        ctx.put(&format!("/groups/{}/mute", group.id))
            .bearer(&token)
            .json(&json!({ "muted": muted }))
            .send()
            .await
    };
    let muted_now = |token: String| async move {
        let group: Group = ctx
            .get(&format!("/groups/{}", group.id))
            .bearer(&token)
            .send()
            .await?
            .expect_status(200)?
            .decode()?;
        Check::Ok(group.muted)
    };
    mute(member.token.clone(), true).await?.expect_status(204)?;
    ensure!(
        muted_now(member.token.clone()).await?,
        "muted after PUT true"
    );
    mute(member.token.clone(), true).await?.expect_status(204)?;
    mute(member.token.clone(), false)
        .await?
        .expect_status(204)?;
    ensure!(
        !muted_now(member.token.clone()).await?,
        "unmuted after PUT false"
    );
    mute(outsider.token.clone(), true)
        .await?
        .expect_problem(404, ErrorCode::NotFound)?;
    Ok(())
}

pub(super) async fn push_subscriptions_belong_to_the_user_and_device(ctx: &Ctx) -> Check {
    let device = ctx.login_member().await?;
    let key_reply = ctx
        .get("/push/vapid-key")
        .bearer(&device.token)
        .send()
        .await?;
    if !ctx.has_capability("web_push").await? {
        // Optional capability: a backend without it says so.
        key_reply.expect_problem(404, ErrorCode::PushNotConfigured)?;
        return Ok(());
    }
    let key: VapidKey = key_reply.expect_status(200)?.decode()?;
    ensure!(
        key.public_key.len() == 87 && !key.public_key.contains(['=', '+', '/']),
        "the VAPID key is 65 bytes in unpadded base64url: {:?}",
        key.public_key
    );
    let status = |token: String| async move {
        let status: PushSubscriptionStatus = ctx
            .get("/me/push-subscription")
            .bearer(&token)
            .send()
            .await?
            .expect_status(200)?
            .decode()?;
        Check::Ok(status.subscribed)
    };
    let put = |body: Value| {
        let token = device.token.clone();
        async move {
            ctx.put("/me/push-subscription")
                .bearer(&token)
                .json(&body)
                .send()
                .await
        }
    };
    ensure!(
        !status(device.token.clone()).await?,
        "a new session has no subscription"
    );

    for (body, code) in [
        (
            subscription("http://push.invalid/x", P256DH, AUTH),
            ErrorCode::PushEndpointInvalid,
        ),
        (
            subscription("https://10.0.0.1/x", P256DH, AUTH),
            ErrorCode::PushEndpointForbidden,
        ),
        (
            subscription("https://169.254.169.254/x", P256DH, AUTH),
            ErrorCode::PushEndpointForbidden,
        ),
        (
            subscription("https://push.invalid/x", "BAAA", AUTH),
            ErrorCode::PushKeyInvalid,
        ),
        (
            subscription("https://push.invalid/x", P256DH, "c2hvcnQ"),
            ErrorCode::PushKeyInvalid,
        ),
    ] {
        let problem = put(body.clone()).await?.expect_problem(422, code)?;
        ensure!(
            !problem.errors.is_empty(),
            "{body}: the problem names the field"
        );
    }
    ensure!(
        !status(device.token.clone()).await?,
        "refused subscriptions store nothing"
    );

    // `?endpoint=`: whether that device is subscribed for the caller, through any session.
    let device_status = |token: String, endpoint: String| async move {
        let status: PushSubscriptionStatus = ctx
            .get("/me/push-subscription")
            .query(&[("endpoint", endpoint.as_str())])
            .bearer(&token)
            .send()
            .await?
            .expect_status(200)?
            .decode()?;
        Check::Ok(status.subscribed)
    };
    let put_as = |token: String, endpoint: String| async move {
        ctx.put("/me/push-subscription")
            .bearer(&token)
            .json(&subscription(&endpoint, P256DH, AUTH))
            .send()
            .await?
            .expect_status(204)?;
        Check::Ok(())
    };

    let endpoint = format!("https://push.invalid/conformance/{}", unique("device"));
    put(subscription(&endpoint, P256DH, AUTH))
        .await?
        .expect_status(204)?;
    ensure!(status(device.token.clone()).await?, "subscribed after PUT");
    ensure!(
        device_status(device.token.clone(), endpoint.clone()).await?,
        "?endpoint= answers for the session's own device"
    );
    // Another session of the same person has no subscription of its own, but the device is
    // subscribed for the person.
    let other = ctx.login_member().await?;
    ensure!(
        !status(other.token.clone()).await?,
        "another session has no subscription of its own"
    );
    ensure!(
        device_status(other.token.clone(), endpoint.clone()).await?,
        "?endpoint= answers for the user's device through any session"
    );
    let outsider = ctx.login_outsider().await?;
    ensure!(
        !device_status(outsider.token.clone(), endpoint.clone()).await?,
        "?endpoint= does not answer for someone else's device"
    );
    // Replacing it keeps one.
    put(subscription(&format!("{endpoint}-2"), P256DH, AUTH))
        .await?
        .expect_status(204)?;
    ensure!(
        !device_status(device.token.clone(), endpoint.clone()).await?,
        "a session's new endpoint replaces its previous one"
    );
    ensure!(
        device_status(device.token.clone(), format!("{endpoint}-2")).await?,
        "the session's new endpoint is subscribed"
    );
    for _ in 0..2 {
        ctx.delete("/me/push-subscription")
            .bearer(&device.token)
            .send()
            .await?
            .expect_status(204)?;
    }
    ensure!(
        !status(device.token.clone()).await?,
        "unsubscribed after DELETE"
    );

    // A shared device: the same endpoint registered by someone else moves to them.
    let shared = format!("https://push.invalid/conformance/{}", unique("shared"));
    put_as(other.token.clone(), shared.clone()).await?;
    put_as(outsider.token.clone(), shared.clone()).await?;
    ensure!(
        !status(other.token.clone()).await?
            && !device_status(other.token.clone(), shared.clone()).await?,
        "the previous owner of a device registered again by someone else keeps nothing of it"
    );
    ensure!(
        status(outsider.token.clone()).await?,
        "the device moved to whoever registered it last"
    );
    // DELETE with `?endpoint=` removes the caller's subscription of that device.
    ctx.delete("/me/push-subscription")
        .query(&[("endpoint", shared.as_str())])
        .bearer(&other.token)
        .send()
        .await?
        .expect_status(204)?;
    ensure!(
        status(outsider.token.clone()).await?,
        "nobody removes another user's device by its endpoint"
    );
    ctx.delete("/me/push-subscription")
        .query(&[("endpoint", shared.as_str())])
        .bearer(&outsider.token)
        .send()
        .await?
        .expect_status(204)?;
    ensure!(
        !device_status(outsider.token.clone(), shared.clone()).await?,
        "removed by its endpoint"
    );

    // Logging out ends the subscription the session registered.
    let leaving = ctx.login_member().await?;
    let left = format!("https://push.invalid/conformance/{}", unique("logout"));
    put_as(leaving.token.clone(), left.clone()).await?;
    ctx.delete("/sessions/current")
        .bearer(&leaving.token)
        .send()
        .await?
        .expect_status(204)?;
    ensure!(
        !device_status(other.token.clone(), left).await?,
        "logging out ends the session's subscription"
    );
    Ok(())
}
