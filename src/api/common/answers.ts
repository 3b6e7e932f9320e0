import { ApiProperty } from '@nestjs/swagger';

/** What every command answers (with headers ETag: "version" and Ledger-Position). */
export class CommandAnswerDto {
  @ApiProperty() id: string;
  @ApiProperty({ description: "the entity's stream version after the command" }) version: number;
}
