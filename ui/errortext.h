#pragma once

#include "common/error.h"

#include <QCoreApplication>

namespace mistudio::ui {

// Renders an error for a person, translated by its code (the English message from the core is
// only the fallback for codes without a text of their own).
class ErrorText final
{
    Q_DECLARE_TR_FUNCTIONS(ErrorText)

public:
    static QString forError(const Error &error);
    // True for the codes where a (different) Hugging Face token is the fix.
    static bool needsToken(ErrorCode code);
    // Shown when the app cannot start because the catalogue (or the service) failed to open.
    static QString catalogueUnavailable(const Error &error);
};

} // namespace mistudio::ui
