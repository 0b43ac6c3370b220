//! Where files live. Bytes still arriving are in a spool directory on this instance's disk
//! (appended to in place, so a resumed upload continues the same file); checked files go to an
//! object store shared by every instance — a local directory, or an S3-compatible bucket —
//! whose keys the database records.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use object_store::buffered::BufWriter;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, GetRange, ObjectStore, PutPayload};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

/// Where checked files go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectsConfig {
    /// A directory (created if missing).
    Local(PathBuf),
    /// An S3-compatible bucket; credentials and region from the environment
    /// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`).
    S3 {
        bucket: String,
        endpoint: Option<String>,
    },
}

/// The spool and the object store. Cheap to clone.
#[derive(Clone)]
pub struct MediaStorage {
    spool: PathBuf,
    objects: Arc<dyn ObjectStore>,
}

impl MediaStorage {
    /// Opens (and creates) the spool directory and the object store.
    pub fn open(spool: &Path, objects: &ObjectsConfig) -> anyhow::Result<Self> {
        std::fs::create_dir_all(spool)
            .with_context(|| format!("cannot create the upload spool {}", spool.display()))?;
        let objects: Arc<dyn ObjectStore> = match objects {
            ObjectsConfig::Local(dir) => {
                std::fs::create_dir_all(dir).with_context(|| {
                    format!("cannot create the media directory {}", dir.display())
                })?;
                Arc::new(LocalFileSystem::new_with_prefix(dir)?)
            }
            ObjectsConfig::S3 { bucket, endpoint } => s3(bucket, endpoint.as_deref())?,
        };
        Ok(Self {
            spool: spool.to_owned(),
            objects,
        })
    }

    /// The spool file of an upload.
    pub fn spool_path(&self, upload: Uuid) -> PathBuf {
        self.spool.join(format!("{upload}.part"))
    }

    /// Stores a file from disk, streamed (multipart on S3), without holding it in memory.
    pub async fn put_file(&self, key: &str, file: &Path) -> anyhow::Result<()> {
        let mut source = tokio::fs::File::open(file).await?;
        let mut writer = BufWriter::new(self.objects.clone(), ObjectPath::from(key));
        if let Err(e) = tokio::io::copy(&mut source, &mut writer).await {
            writer.abort().await.ok();
            return Err(e.into());
        }
        writer.shutdown().await?;
        Ok(())
    }

    pub async fn put_bytes(&self, key: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
        self.objects
            .put(&ObjectPath::from(key), PutPayload::from(bytes))
            .await?;
        Ok(())
    }

    /// The bytes of `range` (or all) of a stored file, streamed.
    pub async fn get(
        &self,
        key: &str,
        range: Option<Range<u64>>,
    ) -> anyhow::Result<BoxStream<'static, std::io::Result<Bytes>>> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let result = self
            .objects
            .get_opts(&ObjectPath::from(key), options)
            .await?;
        Ok(result
            .into_stream()
            .map(|chunk| chunk.map_err(std::io::Error::other))
            .boxed())
    }

    /// Removes a stored file; one already gone is not an error.
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.objects.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(feature = "s3")]
fn s3(bucket: &str, endpoint: Option<&str>) -> anyhow::Result<Arc<dyn ObjectStore>> {
    // Already installed is fine (a second store, or tests).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
    if let Some(endpoint) = endpoint {
        builder = builder
            .with_endpoint(endpoint)
            .with_allow_http(endpoint.starts_with("http://"))
            // Self-hosted S3 servers (MinIO, Garage, moto) address buckets by path.
            .with_virtual_hosted_style_request(false);
    }
    Ok(Arc::new(builder.build()?))
}

#[cfg(not(feature = "s3"))]
fn s3(_bucket: &str, _endpoint: Option<&str>) -> anyhow::Result<Arc<dyn ObjectStore>> {
    anyhow::bail!("this server was built without S3 support (cargo feature `s3`)")
}
