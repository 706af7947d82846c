#pragma once

#include <QByteArray>
#include <QString>

#include <memory>
#include <mutex>

namespace mistudio::fakehub {

// The bytes of one file version. Content is read by range so that a multi-GB blob never has to sit in
// memory; hashes are computed once, lazily, because a big blob's sha256 takes a while.
class Blob
{
public:
    Blob() = default;
    virtual ~Blob() = default;
    Q_DISABLE_COPY_MOVE(Blob)

    virtual qint64 size() const = 0;
    // Copies [offset, offset + length) into out; the range must lie inside the blob.
    virtual void read(qint64 offset, qint64 length, char *out) const = 0;
    // Cheap stable identity used when computing commit hashes (never requires hashing big content).
    virtual QByteArray identity() const = 0;

    QByteArray readAll() const;
    QByteArray read(qint64 offset, qint64 length) const;
    QByteArray sha256Hex() const;
    // git blob id: sha1("blob <len>\0" + bytes).
    QByteArray gitSha1Hex() const;

private:
    // separate: LFS files need only the sha256, regular files only the git id
    mutable std::once_flag m_sha256Once;
    mutable std::once_flag m_gitSha1Once;
    mutable QByteArray m_sha256;
    mutable QByteArray m_gitSha1;
};

using BlobPtr = std::shared_ptr<const Blob>;

class MemoryBlob final : public Blob
{
public:
    explicit MemoryBlob(QByteArray data);
    qint64 size() const override { return m_data.size(); }
    void read(qint64 offset, qint64 length, char *out) const override;
    QByteArray identity() const override;
    const QByteArray &data() const { return m_data; }

    static BlobPtr make(QByteArray data);

private:
    QByteArray m_data;
};

// A fixed prefix (e.g. a safetensors header) followed by deterministic pseudo-random bytes. Any byte
// can be computed from its offset, so ranges are cheap and nothing is held in memory.
class GeneratedBlob final : public Blob
{
public:
    GeneratedBlob(QByteArray prefix, qint64 generatedBytes, quint64 seed);
    qint64 size() const override { return m_prefix.size() + m_generated; }
    void read(qint64 offset, qint64 length, char *out) const override;
    QByteArray identity() const override;

private:
    static constexpr qint64 kPeriod = 1 << 20;
    QByteArray m_prefix;
    qint64 m_generated;
    quint64 m_seed;
    QByteArray m_base; // kPeriod bytes, XOR-ed with a per-period word so periods differ
};

// A file on disk (fixtures directory of the `fakehub` executable).
class FileBlob final : public Blob
{
public:
    FileBlob(QString path, qint64 size);
    qint64 size() const override { return m_size; }
    void read(qint64 offset, qint64 length, char *out) const override;
    QByteArray identity() const override;

private:
    QString m_path;
    qint64 m_size;
};

} // namespace mistudio::fakehub
