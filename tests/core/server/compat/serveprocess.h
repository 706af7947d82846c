#pragma once

// `mistudio serve` as a child process of a test: a clean user's environment (HOME and the
// settings under `home`, no HF_TOKEN, no database URL) pointed at a fake Hub, on a free port.
#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <QUrl>

namespace mistudio::test {

class ServeProcess final
{
public:
    ~ServeProcess() { stop(); }

    // The port it listens on, 0 when it did not start (what it printed is in output()).
    quint16 start(const QUrl &hubEndpoint, const QString &home, const QString &dataDir)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HF_ENDPOINT"), hubEndpoint.toString());
        env.insert(QStringLiteral("HOME"), home);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
        env.remove(QStringLiteral("HF_TOKEN"));
        env.remove(QStringLiteral("MISTUDIO_DATABASE_URL"));
        m_process.setProcessEnvironment(env);
        m_process.start(QStringLiteral(MISTUDIO_BINARY),
                        {QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0"),
                         QStringLiteral("--data-dir"), dataDir});
        if (!m_process.waitForStarted(10000))
            return 0;
        const bool printed = QTest::qWaitFor([this] {
            m_output += m_process.readAllStandardOutput();
            return m_output.contains('\n') || m_process.state() == QProcess::NotRunning;
        }, 20000);
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("127\\.0\\.0\\.1:(\\d+)")).match(QString::fromUtf8(m_output));
        if (!printed || !m.hasMatch()) {
            m_output += m_process.readAllStandardError();
            return 0;
        }
        return quint16(m.captured(1).toUInt());
    }
    // SIGTERM and wait: true when it stopped cleanly (exit 0).
    bool stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
        m_process.terminate();
        if (!m_process.waitForFinished(10000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
            return false;
        }
        return m_process.exitStatus() == QProcess::NormalExit && m_process.exitCode() == 0;
    }
    const QByteArray &output() const { return m_output; }

private:
    QProcess m_process;
    QByteArray m_output;
};

} // namespace mistudio::test
