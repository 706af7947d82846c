#include "stack/datadiridentity.h"

#include <QFile>
#include <QUuid>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

QString markerPath(const DataDir &dir)
{
    return dir.root() + u'/' + QLatin1StringView(DataDirIdentity::kMarkerName);
}

// The marker's id; empty when there is none. A marker that is not an id is an error: it is not
// ours to overwrite.
Result<QString> readMarker(const DataDir &dir)
{
    QFile f(markerPath(dir));
    if (!f.exists())
        return QString();
    if (!f.open(QIODevice::ReadOnly))
        return Error::make(ErrorCode::IoError, u"Cannot read %1: %2"_s.arg(f.fileName(), f.errorString()));
    const QString id = QString::fromUtf8(f.read(128)).trimmed();
    if (QUuid::fromString(id).isNull())
        return Error::make(ErrorCode::DataDirMismatch,
                           u"%1 does not hold a catalogue id; remove it only if this directory belongs to no catalogue"_s
                               .arg(f.fileName()));
    return id;
}

// Creates the marker with `id` unless one exists (another process sharing the directory may
// create it at the same moment: the first rename wins, and everyone reads the winner's).
Status createMarker(const DataDir &dir, const QString &id)
{
    const QString tmp = markerPath(dir) + u".%1.tmp"_s.arg(QUuid::createUuid().toString(QUuid::Id128));
    QFile f(tmp);
    if (!f.open(QIODevice::WriteOnly | QIODevice::NewOnly) || f.write((id + u'\n').toUtf8()) < 0 || !f.flush()) {
        QFile::remove(tmp);
        return Error::make(ErrorCode::IoError, u"Cannot write %1: %2"_s.arg(tmp, f.errorString()));
    }
    f.close();
    // QFile::rename never replaces an existing file.
    if (!QFile::rename(tmp, markerPath(dir)))
        QFile::remove(tmp);
    return {};
}

Error belongsElsewhere(const DataDir &dir, const QString &found, const QString &expected)
{
    return Error::make(ErrorCode::DataDirMismatch,
                       u"The data directory %1 belongs to another catalogue (its id is %2, this catalogue's is %3)"_s
                           .arg(dir.root(), found, expected),
                       {{u"data_dir"_s, dir.root()}, {u"expected_id"_s, expected}, {u"found_id"_s, found}});
}

} // namespace

Status DataDirIdentity::verify(CatalogueIdentity &catalogue, const DataDir &dir)
{
    if (Status s = dir.ensureExists(); !s)
        return s;
    const Result<QString> marker = readMarker(dir);
    if (!marker)
        return marker.error();
    const Result<std::optional<QString>> recorded = catalogue.dataDirId();
    if (!recorded)
        return recorded.error();
    if (!*recorded) {
        // First use of this catalogue: it takes this directory's id (made now if it has none).
        QString id = *marker;
        if (id.isEmpty()) {
            if (Status s = createMarker(dir, QUuid::createUuid().toString(QUuid::WithoutBraces)); !s)
                return s;
            const Result<QString> created = readMarker(dir);
            if (!created)
                return created.error();
            id = *created;
        }
        const Result<QString> adopted = catalogue.adopt(id);
        if (!adopted)
            return adopted.error();
        if (*adopted == id)
            return {};
        // Another process recorded its directory's id first: this directory is not that one.
        return belongsElsewhere(dir, id, *adopted);
    }
    const QString &expected = **recorded;
    if (marker->isEmpty())
        return Error::make(ErrorCode::DataDirMismatch,
                           u"The data directory %1 is not the catalogue's shared data directory: it has no %2 marker "
                           "(the catalogue's is %3). Mount the shared storage there (or point --data-dir at it) on every host."_s
                               .arg(dir.root(), QLatin1StringView(kMarkerName), expected),
                           {{u"data_dir"_s, dir.root()}, {u"expected_id"_s, expected}});
    if (*marker != expected)
        return belongsElsewhere(dir, *marker, expected);
    return {};
}

} // namespace mistudio
