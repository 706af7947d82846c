#pragma once

#include <QMetaObject>
#include <QObject>
#include <QThreadPool>

namespace mistudio {

// Runs `work` (file I/O: fdatasync, hashing, renames) on `pool` and hands its result to `done`
// on `ctx`'s thread, from its event loop; dropped if `ctx` is gone by then.
template<class Work, class Done>
void runBlocking(QThreadPool *pool, QObject *ctx, Work work, Done done)
{
    pool->start([ctx, work = std::move(work), done = std::move(done)]() mutable {
        auto result = work();
        QMetaObject::invokeMethod(ctx, [done = std::move(done), result = std::move(result)]() mutable {
            done(std::move(result));
        }, Qt::QueuedConnection);
    });
}

} // namespace mistudio
