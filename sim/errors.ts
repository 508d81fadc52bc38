/**
 * AWS errors as the SDK surfaces them. The simulated account throws the same classes the real
 * deserialisers would (modelled exceptions where the service models them, the service's base
 * exception with the wire error code as `name` otherwise), so adapter code that checks `name` or
 * `instanceof` behaves exactly as it does against AWS, and the SDK's retry classifier treats
 * `Throttling` and `PriorRequestNotComplete` as throttling.
 */
import * as route53Module from '@aws-sdk/client-route-53';
import * as autoScalingModule from '@aws-sdk/client-auto-scaling';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { CloudFormationServiceException } from '@aws-sdk/client-cloudformation';
import {
  CloudWatchServiceException,
  InvalidFormatFault,
  InvalidNextToken,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  LimitExceededException,
  LimitExceededFault,
  MissingRequiredParameterException,
  ResourceNotFound,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-cloudwatch';
import {
  DocumentAlreadyExists,
  DuplicateInstanceId,
  InternalServerError,
  InvalidCommandId,
  InvalidDocument,
  InvalidDocumentContent,
  InvalidDocumentVersion,
  InvalidFilterKey,
  InvalidInstanceId,
  InvalidInstanceInformationFilterValue,
  InvalidNextToken as SsmInvalidNextToken,
  InvalidParameters,
  InvalidPluginName,
  InvocationDoesNotExist,
  MaxDocumentSizeExceeded,
  SSMServiceException,
  ThrottlingException as SsmThrottlingException,
  ValidationException as SsmValidationException,
} from '@aws-sdk/client-ssm';
import { errorShapes } from './errorShapes';
import type { SimService } from './types';

type ExceptionCtor = new (opts: {
  name: string;
  $fault: 'client' | 'server';
  $metadata: { httpStatusCode: number; requestId?: string };
  message: string;
}) => Error;

const BASE: Record<SimService, ExceptionCtor> = {
  route53: route53Module.Route53ServiceException as unknown as ExceptionCtor,
  autoScaling: autoScalingModule.AutoScalingServiceException as unknown as ExceptionCtor,
  ec2: EC2ServiceException as unknown as ExceptionCtor,
  cloudWatch: CloudWatchServiceException as unknown as ExceptionCtor,
  ssm: SSMServiceException as unknown as ExceptionCtor,
  cloudFormation: CloudFormationServiceException as unknown as ExceptionCtor,
};

/**
 * CloudWatch speaks JSON with query compatibility: the wire code (`x-amzn-query-error`, e.g.
 * `InvalidParameterCombination`) selects the modelled exception, whose `name` is the model's
 * (`InvalidParameterCombinationException`), and the wire code stays readable as `Code`. Codes
 * the model does not know (`Throttling`) surface as the base exception named
 * after the code.
 */
const CLOUDWATCH_MODELLED: Record<string, ExceptionCtor> = {
  InvalidParameterCombination: InvalidParameterCombinationException as unknown as ExceptionCtor,
  InvalidParameterValue: InvalidParameterValueException as unknown as ExceptionCtor,
  MissingParameter: MissingRequiredParameterException as unknown as ExceptionCtor,
  ResourceNotFound: ResourceNotFound as unknown as ExceptionCtor,
  ResourceNotFoundException: ResourceNotFoundException as unknown as ExceptionCtor,
  InvalidNextToken: InvalidNextToken as unknown as ExceptionCtor,
  InvalidFormat: InvalidFormatFault as unknown as ExceptionCtor,
  LimitExceeded: LimitExceededFault as unknown as ExceptionCtor,
  LimitExceededException: LimitExceededException as unknown as ExceptionCtor,
  // The model maps the query code ValidationError to ValidationException (its awsQueryError trait).
  ValidationError: ValidationException as unknown as ExceptionCtor,
};

/**
 * SSM speaks JSON 1.1: the wire code (`__type`) is the modelled exception's name, and the SDK
 * puts the body's message in `message` (there is no separate `Code`). These are the ones the
 * simulated SSM raises.
 */
const SSM_MODELLED: Record<string, ExceptionCtor> = Object.fromEntries(
  [
    DocumentAlreadyExists,
    DuplicateInstanceId,
    InternalServerError,
    InvalidCommandId,
    InvalidDocument,
    InvalidDocumentContent,
    InvalidDocumentVersion,
    InvalidFilterKey,
    InvalidInstanceId,
    InvalidInstanceInformationFilterValue,
    SsmInvalidNextToken,
    InvalidParameters,
    InvalidPluginName,
    InvocationDoesNotExist,
    MaxDocumentSizeExceeded,
    SsmThrottlingException,
    SsmValidationException,
  ].map((ctor) => [ctor.name, ctor as unknown as ExceptionCtor]),
);

let requestSeq = 0;

/** Builds the error the SDK would raise for `code` from `service`, with HTTP status `status`. */
export function awsError(service: SimService, code: string, message: string, status = 400): Error {
  if (service === 'ssm' && SSM_MODELLED[code]) {
    const err = new SSM_MODELLED[code]({
      name: code,
      $fault: status >= 500 ? 'server' : 'client',
      $metadata: { httpStatusCode: status, requestId: `sim-${++requestSeq}` },
      message,
    });
    // The deserialiser leaves the modelled `Message` member unset (the text is in `message`).
    if ((err as { Message?: string }).Message === undefined) delete (err as { Message?: string }).Message;
    return err;
  }
  const modelled = service === 'cloudWatch' ? CLOUDWATCH_MODELLED[code] : undefined;
  if (modelled) {
    const type = status >= 500 ? 'Receiver' : 'Sender';
    const err = new modelled({
      name: code,
      $fault: status >= 500 ? 'server' : 'client',
      $metadata: { httpStatusCode: status, requestId: `sim-${++requestSeq}` },
      message,
    });
    return Object.assign(err, { Code: code, Type: type, Error: { Code: code, Type: type, Message: message } });
  }
  const ctor = (service === 'route53' || service === 'autoScaling' ? modelledByCode(service, code) : undefined) ?? BASE[service];
  const err = new ctor({
    name: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: `sim-${++requestSeq}` },
    message,
  });
  // A modelled exception carries its own `name`; the base class keeps what we pass.
  Object.defineProperty(err, 'name', { value: code, enumerable: false, configurable: true, writable: true });
  // The XML protocols' deserialisers copy the error document's fields onto the exception (EC2's has no Type).
  const type = status >= 500 ? 'Receiver' : 'Sender';
  if (service === 'ec2') Object.assign(err, { Code: code, Error: { Code: code, Message: message } });
  else Object.assign(err, { Code: code, Type: type, Error: { Type: type, Code: code, Message: message } });
  return err;
}

/**
 * The exception class the SDK builds for a wire error code: Route 53's errors are named by their
 * shape, Auto Scaling's by the shape's awsQueryError code (`ResourceContention` is
 * ResourceContentionFault). Read from the client's own error schemas: `[-3, ns, name, traits, ...]`.
 */
function modelledByCode(service: 'route53' | 'autoScaling', code: string): ExceptionCtor | undefined {
  const module = (service === 'route53' ? route53Module : autoScalingModule) as unknown as Record<string, unknown>;
  const shape = errorShapes(module).find((e) => (service === 'route53' ? e.name : (e.queryCode ?? e.name)) === code);
  return shape && typeof module[shape.name] === 'function' ? (module[shape.name] as ExceptionCtor) : undefined;
}

/** Raised when code under test calls an operation the simulation does not model: loud, never silent. */
export class NotModelledError extends Error {
  constructor(service: SimService, op: string) {
    super(`simulated account: ${service} operation ${op} is not modelled`);
    this.name = 'NotModelledError';
  }
}
