#include "hub/cancelsource.h"

namespace mistudio::hub {

void CancelSource::cancel()
{
    if (!m_cancelled.exchange(true))
        Q_EMIT cancelled();
}

} // namespace mistudio::hub
