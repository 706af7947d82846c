#pragma once

#include "common/result.h"

#include <QString>

#include <memory>

namespace mistudio::http {

// A byte range of an open file, sent as a response body straight from the file (sendfile(2)
// where available) without being read into memory. Copies share the descriptor, which is
// closed when the last copy goes.
class FileRange final
{
public:
    FileRange() = default;
    // Takes ownership of `fd`.
    FileRange(int fd, qint64 offset, qint64 length);
    // Opens `path` read-only; `length` -1 means to the end of the file. A range past the end
    // is invalid_input.
    static Result<FileRange> open(const QString &path, qint64 offset = 0, qint64 length = -1);

    bool isValid() const { return m_fd != nullptr; }
    int fd() const { return m_fd ? *m_fd : -1; }
    qint64 offset() const { return m_offset; }
    qint64 length() const { return m_length; }

private:
    std::shared_ptr<const int> m_fd;
    qint64 m_offset = 0;
    qint64 m_length = 0;
};

} // namespace mistudio::http
