#pragma once

// igtcloud::entities: the asynchronous C++20 client of the IGT Cloud entities service's Users API.
// The umbrella header, for users; the library's own sources include what they use.

#include <igtcloud/entities/auth.hpp>
#include <igtcloud/entities/config.hpp>
#include <igtcloud/entities/created.hpp>
#include <igtcloud/entities/download.hpp>
#include <igtcloud/entities/error.hpp>
#include <igtcloud/entities/models.hpp>
#include <igtcloud/entities/options.hpp>
#include <igtcloud/entities/provision.hpp>
#include <igtcloud/entities/session.hpp>
#include <igtcloud/entities/storage_files_api.hpp>
#include <igtcloud/entities/sync.hpp>
#include <igtcloud/entities/users_api.hpp>
