#pragma once

#include <QIcon>
#include <QString>

namespace mistudio::ui {

// The desktop theme's icon when it has one (so the app looks at home), else ours from
// resources/icons/<name>.svg. SVG scales cleanly at any device pixel ratio.
QIcon icon(const QString &name);

} // namespace mistudio::ui
