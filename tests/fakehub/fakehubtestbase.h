#pragma once

// Shared by the fake Hub's tests: a plain QNetworkAccessManager client against an in-process FakeHub.

#include "fakehub/fakehub.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QObject>

#include <memory>

namespace mistudio::fakehub::test {

struct Reply
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;
    QUrl url;

    QByteArray header(const QByteArray &name) const;
    bool has(const QByteArray &name) const;
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
};

using Headers = QList<QPair<QByteArray, QByteArray>>;

inline QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

inline QByteArray bearer(const char *token)
{
    return "Bearer " + QByteArray(token);
}

// Base of the test classes: owns the hub (started once per test case) and a fresh client per test.
class FakeHubTestBase : public QObject
{
    Q_OBJECT
protected:
    // Starts the shared hub; call from initTestCase().
    bool startHub();
    // Back to defaults (no faults, empty log, default modes, main where it started); call from init().
    void resetHub();
    void newClient() { m_nam = std::make_unique<QNetworkAccessManager>(); }

    Reply send(const QByteArray &method, const QUrl &url, const Headers &headers = {}, const QByteArray &body = {},
               bool follow = false);
    Reply get(const QString &path, const Headers &headers = {}) { return send("GET", url(path), headers); }
    Reply head(const QString &path, const Headers &headers = {}) { return send("HEAD", url(path), headers); }
    QUrl url(const QString &pathAndQuery) const;
    // The signed CDN URL of an LFS file (from a HEAD on /resolve).
    QUrl cdnUrl(const QString &repo, const QString &file);

    std::unique_ptr<FakeHub> m_hub;
    std::unique_ptr<QNetworkAccessManager> m_nam;
};

} // namespace mistudio::fakehub::test
