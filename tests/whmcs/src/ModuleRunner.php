<?php
/**
 * How WHMCS runs a server module function for a service (the Module* API commands, the admin
 * buttons, payment automation), developers.whmcs.com/provisioning-modules/supported-functions, developers.whmcs.com/provisioning-modules/module-parameters, developers.whmcs.com/hooks-reference:
 *
 * 1. find the service and its product's module (errors "Service ID not found", "Service not
 *    assigned to a module"); load modules/servers/<module>/<module>.php if the function is
 *    not defined yet ("Function Not Supported by Module" when it is still missing);
 * 2. Create only: WHMCS's username and password for a service that has none
 *    (ServiceCredentials: from the domain, or random; skipped when the module's MetaData
 *    says AutoGenerateUsernameAndPassword => false), saved before the call;
 * 3. build $params (Params::forService), run PreModule<Action> with ['params' => $params]:
 *    returned arrays override params, `abortcmd` aborts;
 * 4. call <module>_<Function>($params); only the string 'success' is success;
 * 5. on success apply WHMCS's side effects (Create -> Active, Suspend -> Suspended with the
 *    reason, Unsuspend -> Active, Terminate -> Terminated with termination_date, ChangePassword
 *    -> new password saved encrypted), run AfterModule<Action>, log "Module <Action>
 *    Successful", and after a Create send the product's welcome email if it has one;
 *    on failure run AfterModule<Action>Failed with failureResponseMessage and log it.
 *
 * Exceptions thrown by the module propagate (WHMCS would show an error page; a test should
 * see them). The activity-log wording is close to WHMCS's, not guaranteed identical.
 */

declare(strict_types=1);

namespace WhmcsHarness;

use WHMCS\Database\Capsule;
use WhmcsHarness\Email\Mailer;

final class ModuleRunner
{
    /** action => [module function, hook name part, activity-log label] */
    private const ACTIONS = [
        'Create' => ['CreateAccount', 'Create', 'Create'],
        'Suspend' => ['SuspendAccount', 'Suspend', 'Suspend'],
        'Unsuspend' => ['UnsuspendAccount', 'Unsuspend', 'Unsuspend'],
        'Terminate' => ['TerminateAccount', 'Terminate', 'Terminate'],
        'ChangePackage' => ['ChangePackage', 'ChangePackage', 'Change Package'],
        'ChangePassword' => ['ChangePassword', 'ChangePassword', 'Change Password'],
        'Renew' => ['Renew', 'Renew', 'Renew'],
    ];

    /**
     * @param string $action Create|Suspend|Unsuspend|Terminate|ChangePackage|ChangePassword|Renew|Custom
     * @param array{suspendreason?: string, password?: string, function?: string} $options
     * @return array{result: string, message?: string} the API-style result
     */
    public static function run(string $action, int $serviceId, array $options = []): array
    {
        [$function, $hookName, $label] = $action === 'Custom'
            ? [(string) ($options['function'] ?? ''), 'Custom', 'Custom Module Action']
            : self::ACTIONS[$action];

        $service = Capsule::table('tblhosting')->where('id', $serviceId)->first();
        if ($service === null) {
            return self::error('Service ID not found');
        }
        $module = (string) Capsule::table('tblproducts')->where('id', $service->packageid)->value('servertype');
        if ($module === '') {
            return self::error('Service not assigned to a module');
        }
        $callable = Modules::serverFunction($module, $function);
        if ($callable === null) {
            return self::error('Function Not Supported by Module');
        }

        if ($action === 'Create') {
            ServiceCredentials::beforeCreate($service, $module);
        }
        $params = Params::forService($serviceId);
        if ($action === 'Suspend') {
            $params['suspendreason'] = (string) ($options['suspendreason'] ?? '');
        }
        $oldPassword = $params['password'];
        if ($action === 'ChangePassword' && isset($options['password'])) {
            $params['password'] = (string) $options['password'];
        }

        foreach (Hooks::run('PreModule' . $hookName, ['params' => $params]) as $override) {
            if (!is_array($override)) {
                continue;
            }
            if (!empty($override['abortcmd'])) {
                $message = 'Function Aborted by Action Hook Code';
                ActivityLog::log("Module $label Aborted by Action Hook - Service ID: $serviceId", (int) $service->userid);
                return self::error($message);
            }
            $params = array_merge($params, $override);
        }

        $result = $callable($params);
        if ($result !== 'success') {
            $message = is_string($result) ? $result : 'An unknown error occurred';
            Hooks::run('AfterModule' . $hookName . 'Failed', ['params' => $params, 'failureResponseMessage' => $message]);
            ActivityLog::log("Module $label Failed - Service ID: $serviceId - Error: $message", (int) $service->userid);
            return self::error($message);
        }

        self::applySuccess($action, $serviceId, $params);
        if ($action === 'ChangePassword') {
            Hooks::run('AfterModuleChangePassword', [
                'serviceid' => $serviceId, 'oldpassword' => $oldPassword, 'newpassword' => $params['password'],
            ]);
        } else {
            Hooks::run('AfterModule' . $hookName, ['params' => $params]);
        }
        ActivityLog::log("Module $label Successful - Service ID: $serviceId", (int) $service->userid);
        if ($action === 'Create' && (int) Capsule::table('tblproducts')->where('id', $service->packageid)->value('welcomeemail') > 0) {
            Mailer::sendWelcomeEmail($serviceId);
        }
        return ['result' => 'success'];
    }

    /** @param array<string, mixed> $params */
    private static function applySuccess(string $action, int $serviceId, array $params): void
    {
        $row = Capsule::table('tblhosting')->where('id', $serviceId);
        match ($action) {
            'Create' => $row->update(['domainstatus' => 'Active']),
            'Suspend' => $row->update(['domainstatus' => 'Suspended', 'suspendreason' => $params['suspendreason'] ?? '']),
            'Unsuspend' => $row->update(['domainstatus' => 'Active', 'suspendreason' => '']),
            'Terminate' => $row->update(['domainstatus' => 'Terminated', 'termination_date' => date('Y-m-d')]),
            'ChangePassword' => $row->update(['password' => Crypto::encrypt((string) $params['password'])]),
            default => null,
        };
    }

    /** @return array{result: string, message: string} */
    private static function error(string $message): array
    {
        return ['result' => 'error', 'message' => $message];
    }
}
