<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

/**
 * The one wrapper around every entry point of the module, its hooks and the addon's calls:
 *
 *  1. checks that the extension is usable (else the failure message says how to install it);
 *  2. runs the body with a Context;
 *  3. catches any \Throwable and turns it into a message an administrator can act on;
 *  4. writes one module-log entry per Aflexi API call made (from the client's call log) and
 *     one for the outcome, with the auth key, server password/access hash and service
 *     passwords in the replace list (and masked by us as well);
 *  5. returns what WHMCS expects from that kind of function (see the public methods).
 */
final class ModuleCall
{
    public const MODULE = 'aflexi';

    /**
     * Core and custom functions (CreateAccount, Suspend..., custom buttons): 'success' or
     * the error message.
     *
     * @param callable(Context): mixed $body
     * @param string $module the module-log name (the addon passes 'aflexi_cdn')
     */
    public static function command(string $action, array $params, callable $body, string $module = self::MODULE): string
    {
        return self::run(
            new Context($action, $params),
            $body,
            static fn (): string => 'success',
            static fn (string $message): string => $message,
            module: $module,
        );
    }

    /**
     * TestConnection: ['success' => bool, 'error' => message].
     *
     * @param callable(Context): mixed $body
     */
    public static function test(string $action, array $params, callable $body): array
    {
        return self::run(
            new Context($action, $params),
            $body,
            static fn (): array => ['success' => true, 'error' => ''],
            static fn (string $message): array => ['success' => false, 'error' => $message],
        );
    }

    /**
     * ListAccounts: the body's ['success' => true, 'accounts' => [...]], or
     * ['success' => false, 'error' => message].
     *
     * @param callable(Context): array $body
     */
    public static function listing(string $action, array $params, callable $body): array
    {
        return self::run(
            new Context($action, $params),
            $body,
            static fn (array $result): array => $result,
            static fn (string $message): array => ['success' => false, 'error' => $message],
        );
    }

    /**
     * ServiceSingleSignOn: ['success' => true, 'redirectTo' => the body's URL], or
     * ['success' => false, 'errorMsg' => message] (developers.whmcs.com/provisioning-modules/single-sign-on).
     *
     * @param callable(Context): string $body
     */
    public static function singleSignOn(string $action, array $params, callable $body): array
    {
        return self::run(
            new Context($action, $params),
            $body,
            static fn (string $url): array => ['success' => true, 'redirectTo' => $url],
            static fn (string $message): array => ['success' => false, 'errorMsg' => $message],
        );
    }

    /**
     * Server-level cron work (UsageUpdate): 'success' or the error message. WHMCS ignores the
     * result, so a failure is also written to the activity log, where an administrator sees it
     * without module debug logging.
     *
     * @param callable(Context): mixed $body
     */
    public static function cron(string $action, array $params, callable $body): string
    {
        return self::run(
            new Context($action, $params),
            $body,
            static fn (): string => 'success',
            static function (string $message) use ($action, $params): string {
                self::activity(sprintf('%s [%s, server #%d]', $message, $action, (int) ($params['serverid'] ?? 0)));
                return $message;
            },
        );
    }

    /**
     * Functions that render (AdminServicesTabFields, ClientArea): the body's array, else the
     * given fallback built from the message ([] for the admin tab). The body runs even
     * without the extension, so that it can show what WHMCS knows and say what is missing.
     *
     * @param callable(Context): array $body
     * @param callable(string): array $fallback
     */
    public static function render(string $action, array $params, callable $body, callable $fallback): array
    {
        return self::run(
            new Context($action, $params),
            $body,
            static fn (array $result): array => $result,
            \Closure::fromCallable($fallback),
            false,
        );
    }

    /**
     * Hooks and background work: the body's result, or $fallback on failure. A failure is also
     * written to the activity log (hooks must never break the WHMCS page they run in).
     *
     * @param callable(Context): mixed $body
     */
    public static function background(Context $context, callable $body, mixed $fallback = null, bool $needsExtension = true): mixed
    {
        return self::run(
            $context,
            $body,
            static fn (mixed $result): mixed => $result,
            static function (string $message) use ($context, $fallback): mixed {
                $where = array_filter([
                    'service #' . ($context->params['serviceid'] ?? ''),
                    'client #' . ($context->params['userid'] ?? ''),
                    'CDN username ' . ($context->params['username'] ?? ''),
                ], static fn (string $s): bool => !str_ends_with($s, '#') && !str_ends_with($s, ' '));
                self::activity(sprintf('%s [%s%s]', $message, $context->action, $where === [] ? '' : ', ' . implode(', ', $where)), (int) ($context->params['userid'] ?? 0));
                return $fallback;
            },
            $needsExtension,
        );
    }

    /** Writes to the WHMCS activity log, if there is one; never throws. */
    public static function activity(string $message, int $clientId = 0): void
    {
        try {
            if (function_exists('logActivity')) {
                logActivity($message, $clientId);
            }
        } catch (\Throwable) {
            // Logging must not break the caller.
        }
    }

    /**
     * @param callable(Context): mixed $body
     * @param \Closure(mixed): mixed $onSuccess
     * @param \Closure(string): mixed $onFailure
     */
    private static function run(Context $context, callable $body, \Closure $onSuccess, \Closure $onFailure, bool $needsExtension = true, string $module = self::MODULE): mixed
    {
        $result = null;
        $failure = null;
        $message = '';
        try {
            if ($needsExtension) {
                Extension::require();
            }
            $result = $body($context);
            self::rememberOperator($context);
        } catch (\Throwable $e) {
            $failure = $e;
            $message = (string) $context->secrets->scrub(Messages::describe($e, $context->action, $context->connectionIfMade()));
        }
        self::log($context, $failure === null ? 'success' : $message, $failure, $module);
        return $failure === null ? $onSuccess($result) : $onFailure($message);
    }

    /** Remembers the operator id for the server after a call that found it (saves a call next time). */
    private static function rememberOperator(Context $context): void
    {
        try {
            $context->connectionIfMade()?->rememberOperator();
        } catch (\Throwable $e) {
            $context->note('remember_operator_failed', $e->getMessage());
        }
    }

    /** One module-log entry per API call, then one for the outcome. Never throws. */
    private static function log(Context $context, string $outcome, ?\Throwable $failure, string $module): void
    {
        try {
            $calls = $context->connectionIfMade()?->takeCallLog() ?? [];
        } catch (\Throwable $e) {
            $calls = [];
            $context->note('call_log_unavailable', $e->getMessage());
        }
        if (!function_exists('logModuleCall')) {
            return;
        }
        $secrets = $context->secrets;
        $replace = $secrets->replaceVars();
        try {
            foreach ($calls as $call) {
                logModuleCall(
                    $module,
                    $context->action,
                    Text::forLog($secrets->scrub(['method' => $call['method'] ?? '?', 'params' => $call['params'] ?? []])),
                    Text::forLog($secrets->scrub(['outcome' => $call['outcome'] ?? '?', 'elapsed_ms' => $call['elapsed_ms'] ?? null])),
                    '',
                    $replace,
                );
            }
            $processed = $context->notes();
            if ($failure !== null) {
                $processed['exception'] = get_class($failure) . ': ' . $failure->getMessage();
            }
            $processed['api_calls'] = count($calls);
            logModuleCall(
                $module,
                $context->action,
                Text::forLog($secrets->scrub($context->summary())),
                Text::cap((string) $secrets->scrub($outcome), 8000),
                Text::forLog($secrets->scrub($processed)),
                $replace,
            );
        } catch (\Throwable) {
            // The log is for diagnosis; a failure to write it must not change the result.
        }
    }
}
